// RFC 1939 §5 (DELE marks), §6 (QUIT enters the UPDATE state: the marked messages are removed then, all or none).
using MailKit.Net.Pop3;
using MailKit.Security;

namespace EdgeMail.CrashHarness.Load;

/// <summary>
/// POP3 sessions on the SMTP-fed account: read the headers of a few messages (TOP n 0), DELE those the ledger knows
/// as delivered, QUIT. Only the +OK to QUIT makes the deletions acknowledged; without it they are one batch that must
/// be applied wholly or not at all.
/// </summary>
internal static class Pop3Load
{
    public static async Task RunAsync(LoadContext context, Random rng)
    {
        var ledger = context.Ledger;
        while (!context.Killed)
        {
            try
            {
                var watcher = new QuitWatcher();
                using var client = new Pop3Client(watcher);
                await client.ConnectAsync("127.0.0.1", context.Server.Pop3Port, SecureSocketOptions.None, context.Stopping).ConfigureAwait(false);
                await client.AuthenticateAsync(Accounts.Smtp, Accounts.Password, context.Stopping).ConfigureAwait(false);
                var chosen = new List<(int Index, MessageRecord Record)>();
                var count = client.Count;
                for (var tries = Math.Min(count, rng.Next(1, 8 + (count / 3))); tries > 0 && !context.Killed; tries--)
                {
                    var index = rng.Next(count);
                    if (chosen.Any(c => c.Index == index))
                    {
                        continue;
                    }

                    var headers = await client.GetMessageHeadersAsync(index, context.Stopping).ConfigureAwait(false);
                    var record = ledger.Find(headers[CrashMail.TokenHeader] ?? "");
                    bool settled;
                    lock (ledger.Gate)
                    {
                        settled = record is { IsSettled: true, Current.Mailbox: Accounts.Inbox };
                    }

                    if (settled)
                    {
                        chosen.Add((index, record!));
                    }
                }

                var batch = ledger.NextPop3Batch();
                foreach (var (index, record) in chosen)
                {
                    ledger.Begin(record, "POP3 DELE + QUIT", MailState.Absent);
                    lock (ledger.Gate)
                    {
                        record.Pop3Batch = batch;
                    }

                    Interlocked.Increment(ref context.Operations);
                    await client.DeleteMessageAsync(index, context.Stopping).ConfigureAwait(false);
                }

                await client.DisconnectAsync(true, context.Stopping).ConfigureAwait(false);
                if (watcher.QuitAcknowledged)
                {
                    foreach (var (_, record) in chosen)
                    {
                        ledger.Commit(record, MailState.Absent);
                    }
                }
                else if (!context.Killed)
                {
                    context.Failures.Enqueue($"pop3: QUIT was not answered +OK while the server was running ({chosen.Count} DELE)");
                }

                if (chosen.Count == 0)
                {
                    // Nothing delivered yet: let the SMTP sessions fill the maildrop rather than log in in a tight loop.
                    await Task.Delay(50, context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                context.Failed("pop3", "POP3", ex);
                return;
            }
        }
    }
}
