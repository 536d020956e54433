// RFC 5321 §4.1.1.4: the 250 after the final dot is the server taking responsibility for the message.
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EdgeMail.CrashHarness.Load;

/// <summary>
/// SMTP sessions on the intake port from loopback (a trusted network: no AUTH): several messages per session, to the
/// local account, or with <c>relay</c> to an outside domain through the relay queue.
/// </summary>
internal static class SmtpLoad
{
    public static async Task RunAsync(LoadContext context, int worker, bool relay, Random rng)
    {
        var name = (relay ? "relay" : "smtp") + worker;
        var ledger = context.Ledger;
        while (!context.Killed)
        {
            try
            {
                using var client = new SmtpClient();
                await client.ConnectAsync("127.0.0.1", context.Server.SmtpPort, SecureSocketOptions.None, context.Stopping).ConfigureAwait(false);
                for (var count = rng.Next(1, 6); count > 0 && !context.Killed; count--)
                {
                    var token = context.NewToken(relay ? "relay" : "smtp", worker);
                    var message = CrashMail.Build(token, Accounts.Sender, relay ? Accounts.Outside : Accounts.Smtp, rng, out var expected);
                    Interlocked.Increment(ref context.Operations);
                    if (relay)
                    {
                        var record = new RelayRecord(token, expected);
                        lock (ledger.Gate)
                        {
                            ledger.Relayed.Add(token, record);
                        }

                        await client.SendAsync(message, context.Stopping).ConfigureAwait(false);
                        lock (ledger.Gate)
                        {
                            record.Acknowledged = true;
                            ledger.AcknowledgedMessages++;
                        }

                        Interlocked.Increment(ref context.AcknowledgedRelay);
                    }
                    else
                    {
                        var delivered = new MailState(Accounts.Inbox, 0, "");
                        var record = ledger.Add(new MessageRecord(token, Origin.Smtp, Accounts.Smtp, worker, expected), delivered, "SMTP DATA");
                        await client.SendAsync(message, context.Stopping).ConfigureAwait(false);
                        ledger.Commit(record, delivered, delivery: true);
                        Interlocked.Increment(ref context.Acknowledged);
                    }
                }

                await client.DisconnectAsync(true, context.Stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                context.Failed(name, "SMTP", ex);
                return;
            }
        }
    }
}
