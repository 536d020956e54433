// What the check after each restart holds the server to. RFC 9051 §2.3.1.1 (UIDs strictly ascending, never reused
// within a UIDVALIDITY; UIDNEXT), RFC 7162 §3.1 (MODSEQ never goes down), RFC 4315, RFC 1939 §6 (QUIT commits).
using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.CrashHarness;

/// <summary>
/// After a restart: fetches every message of both accounts over IMAP and compares each with the ledger, checks UIDs
/// and MODSEQs against every earlier round, waits for the relay queue to bring each acknowledged relayed message to
/// the sink, then settles the ledger to what it found.
/// </summary>
internal sealed class Verifier(Ledger ledger, Tally tally, RelaySink sink, Dictionary<int, TimeSpan> kills, TimeSpan relayDeadline)
{
    /// <summary>The longest the server may take from the sink's 250 to its own commit of the outcome (see README).</summary>
    public static readonly TimeSpan RelayWindow = TimeSpan.FromSeconds(5);

    private static readonly (string Account, string[] Mailboxes)[] Layout =
        [(Accounts.Imap, [Accounts.Inbox, Accounts.Archive]), (Accounts.Smtp, [Accounts.Inbox])];

    private readonly Dictionary<string, int> _duplicatesReported = [];
    private int _copiesChecked;

    public int LiveMessages { get; private set; }

    public List<string> NewRelayDuplicates { get; } = [];

    public async Task CheckAsync(ServerInstance server, CancellationToken cancellationToken)
    {
        var observations = new List<Observation>();
        foreach (var (account, mailboxes) in Layout)
        {
            using var client = new ImapClient();
            await client.ConnectAsync("127.0.0.1", server.ImapPort, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
            await client.AuthenticateAsync(account, Accounts.Password, cancellationToken).ConfigureAwait(false);
            foreach (var mailbox in mailboxes)
            {
                var folder = mailbox == Accounts.Inbox ? client.Inbox : await client.GetFolderAsync(mailbox, cancellationToken).ConfigureAwait(false);
                await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
                observations.AddRange(await ObserveAsync(account, mailbox, folder, cancellationToken).ConfigureAwait(false));
                await folder.CloseAsync(false, cancellationToken).ConfigureAwait(false);
            }

            await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        }

        lock (ledger.Gate)
        {
            Compare(observations);
        }

        await CheckRelayAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Observation>> ObserveAsync(string account, string mailbox, IMailFolder folder, CancellationToken cancellationToken)
    {
        var where = account + " " + mailbox;
        var history = ledger.Mailbox(account, mailbox);
        var found = new List<Observation>();
        var summaries = folder.Count == 0
            ? []
            : await folder.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.Flags | MessageSummaryItems.ModSeq, cancellationToken).ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            using var stream = await folder.GetStreamAsync(summary.UniqueId, cancellationToken).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            var bytes = copy.ToArray();
            var uid = summary.UniqueId.Id;
            lock (ledger.Gate)
            {
                if (summary.Size != bytes.Length)
                {
                    tally.Add("corrupt", $"{where} UID {uid}: RFC822.SIZE {summary.Size} but {bytes.Length} bytes fetched");
                }

                try
                {
                    using var parse = new MemoryStream(bytes);
                    MimeMessage.Load(parse, cancellationToken).Dispose();
                }
                catch (FormatException ex)
                {
                    tally.Add("corrupt", $"{where} UID {uid}: does not parse as a message: {ex.Message}");
                }
            }

            var rest = CrashMail.StripTrace(bytes, out var received);
            found.Add(new Observation(account, mailbox, uid, Flags.Of(summary.Flags ?? MessageFlags.None, summary.Keywords),
                summary.ModSeq ?? 0, CrashMail.TokenOf(rest), Fingerprint.Of(rest), received));
        }

        lock (ledger.Gate)
        {
            // RFC 9051 §2.3.1.1: UIDVALIDITY stays, so the same UID must keep naming the same message.
            if (history.UidValidity == 0)
            {
                history.UidValidity = folder.UidValidity;
            }
            else if (history.UidValidity != folder.UidValidity)
            {
                tally.Add("uid", $"{where}: UIDVALIDITY changed from {history.UidValidity} to {folder.UidValidity}");
            }

            var uidNext = folder.UidNext?.Id ?? 0;
            foreach (var seen in found)
            {
                if (history.Tokens.TryGetValue(seen.Uid, out var earlier) && earlier != seen.Token)
                {
                    tally.Add("uid", $"{where}: UID {seen.Uid} held {earlier} and now holds {seen.Token}");
                }
                else if (earlier is null && seen.Uid <= history.CheckedHighestUid)
                {
                    tally.Add("uid", $"{where}: UID {seen.Uid} ({seen.Token}) is new but not above UID {history.CheckedHighestUid}, the highest already checked");
                }

                if (history.ModSeqs.TryGetValue(seen.Uid, out var modSeq) && seen.ModSeq < modSeq)
                {
                    tally.Add("uid", $"{where}: UID {seen.Uid} MODSEQ went back from {modSeq} to {seen.ModSeq}");
                }

                history.Tokens[seen.Uid] = seen.Token ?? "";
                history.ModSeqs[seen.Uid] = seen.ModSeq;
                history.SawUid(seen.Uid);
            }

            if (uidNext <= history.HighestUid || uidNext < history.LastUidNext)
            {
                tally.Add("uid", $"{where}: UIDNEXT {uidNext} after UID {history.HighestUid} was given and UIDNEXT {history.LastUidNext} was seen");
            }

            if (folder.HighestModSeq < history.HighestModSeq)
            {
                tally.Add("uid", $"{where}: HIGHESTMODSEQ went back from {history.HighestModSeq} to {folder.HighestModSeq}");
            }

            history.LastUidNext = Math.Max(history.LastUidNext, uidNext);
            history.HighestModSeq = Math.Max(history.HighestModSeq, folder.HighestModSeq);
            history.CheckedHighestUid = Math.Max(history.HighestUid, uidNext == 0 ? 0 : uidNext - 1);
        }

        return found;
    }

    private void Compare(List<Observation> observations)
    {
        var byToken = new Dictionary<string, List<Observation>>();
        foreach (var seen in observations)
        {
            if (seen.Token is null)
            {
                tally.Add("corrupt", $"{seen.Account} {seen.Mailbox} UID {seen.Uid}: no {CrashMail.TokenHeader} in its header ({seen.Fingerprint})");
                continue;
            }

            if (!byToken.TryGetValue(seen.Token, out var list))
            {
                byToken.Add(seen.Token, list = []);
            }

            list.Add(seen);
        }

        var outcome = new Dictionary<MessageRecord, MailState>();
        foreach (var (token, seen) in byToken)
        {
            var first = seen[0];
            if (!ledger.Messages.TryGetValue(token, out var record))
            {
                var why = ledger.Relayed.ContainsKey(token) ? "a relayed message delivered locally"
                    : ledger.Gone.Contains(token) ? "a message already gone came back" : "a message the harness never sent";
                tally.Add(ledger.Gone.Contains(token) ? "state" : "duplicated", $"{first.Account} {first.Mailbox} UID {first.Uid} {token}: {why}");
                continue;
            }

            if (seen.Count > 1)
            {
                tally.Add("duplicated", $"{token} found {seen.Count} times: {string.Join(", ", seen.Select(s => $"{s.Account} {s.Mailbox} UID {s.Uid}"))} (last operation {record.LastOperation})");
            }

            var expectedReceived = record.Origin == Origin.Smtp ? 1 : 0;
            if (first.Fingerprint != record.Expected || first.ReceivedFields != expectedReceived)
            {
                tally.Add("corrupt", $"{first.Account} {first.Mailbox} UID {first.Uid} {token}: {first.Fingerprint} behind {first.ReceivedFields} Received field(s), expected {record.Expected} behind {expectedReceived}");
            }

            if (first.Account != record.Account || !record.Allowed.Any(a => a.Admits(first.State)))
            {
                tally.Add("state", $"{token} in {first.Account} {first.State}, expected {Describe(record)}");
            }

            outcome[record] = first.State;
        }

        foreach (var record in ledger.Messages.Values)
        {
            if (outcome.ContainsKey(record))
            {
                continue;
            }

            outcome[record] = MailState.Absent;
            if (!record.Allowed.Any(a => a.Admits(MailState.Absent)))
            {
                tally.Add(record.Current.IsPresent ? "lost" : "state",
                    $"{record.Token} ({record.Origin}, acknowledged {record.Acknowledged}) is missing, expected {Describe(record)}");
            }
        }

        // RFC 1939 §6: the DELEs of one session are committed together at QUIT, or none of them.
        foreach (var batch in ledger.Messages.Values.Where(m => m.Pop3Batch is not null).GroupBy(m => m.Pop3Batch))
        {
            var kept = batch.Count(m => outcome[m].IsPresent);
            if (kept != 0 && kept != batch.Count())
            {
                tally.Add("state", $"POP3 session {batch.Key}: its unanswered QUIT deleted {batch.Count() - kept} of {batch.Count()} marked messages");
            }
        }

        foreach (var (record, state) in outcome)
        {
            record.Current = state;
            record.Alternatives.Clear();
            record.Pop3Batch = null;
            if (!state.IsPresent)
            {
                ledger.Messages.Remove(record.Token);
                ledger.Gone.Add(record.Token);
            }
        }

        LiveMessages = ledger.Messages.Count;
    }

    private static string Describe(MessageRecord record) =>
        $"{string.Join(" or ", record.Allowed.Select(a => a.ToString()))} (last operation {record.LastOperation})";

    private async Task CheckRelayAsync(CancellationToken cancellationToken)
    {
        // Every relayed message EdgeMail acknowledged must reach the sink: wait for the queue, with a deadline.
        List<RelayRecord> acknowledged;
        lock (ledger.Gate)
        {
            acknowledged = ledger.Relayed.Values.Where(r => r.Acknowledged).ToList();
        }

        var deadline = DateTime.UtcNow + relayDeadline;
        List<SinkCopy> copies;
        while (true)
        {
            copies = sink.Copies();
            var arrived = copies.Select(c => c.Token).ToHashSet();
            var missing = acknowledged.Where(r => !arrived.Contains(r.Token)).ToList();
            if (missing.Count == 0)
            {
                break;
            }

            if (DateTime.UtcNow >= deadline)
            {
                lock (ledger.Gate)
                {
                    foreach (var record in missing)
                    {
                        tally.Add("lost", $"relayed {record.Token} was acknowledged but has not reached the upstream in {relayDeadline.TotalSeconds} s");
                        record.Acknowledged = false; // counted once
                    }
                }

                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        lock (ledger.Gate)
        {
            foreach (var copy in copies.Skip(_copiesChecked))
            {
                if (copy.Token is null || !ledger.Relayed.TryGetValue(copy.Token, out var record))
                {
                    tally.Add(copy.Token is null ? "corrupt" : "duplicated", $"the upstream received {(copy.Token is null ? "a message without a token" : "a message never relayed: " + copy.Token)} ({copy.Fingerprint})");
                }
                else if (copy.Fingerprint != record.Expected || copy.ReceivedFields != 1)
                {
                    tally.Add("corrupt", $"relayed {copy.Token}: the upstream got {copy.Fingerprint} behind {copy.ReceivedFields} Received field(s), expected {record.Expected} behind 1");
                }
            }

            _copiesChecked = copies.Count;
            NewRelayDuplicates.Clear();
            foreach (var group in copies.Where(c => c.Token is not null).GroupBy(c => c.Token!).Where(g => g.Count() > 1))
            {
                var list = group.OrderBy(c => c.At).ToList();
                var reported = _duplicatesReported.GetValueOrDefault(group.Key);
                for (var i = Math.Max(1, reported + 1); i < list.Count; i++)
                {
                    var (before, again) = (list[i - 1], list[i]);
                    // A duplicate is in the window only if the copy before it was accepted by the sink shortly before
                    // the server that sent it was killed (or after: the final dot was in the socket's buffer, and the
                    // 250 went to a dead peer, RFC 1047), and the resend came from a later server.
                    var killed = kills.TryGetValue(before.Generation, out var at) ? at : TimeSpan.MaxValue;
                    var gap = killed - before.At;
                    if (again.Generation <= before.Generation || gap > RelayWindow)
                    {
                        tally.Add("duplicated", string.Create(CultureInfo.InvariantCulture,
                            $"relayed {group.Key} reached the upstream again (server {before.Generation} then {again.Generation}) outside the kill window: the first 250 came {gap.TotalMilliseconds:0} ms before server {before.Generation} ended"));
                    }
                    else
                    {
                        tally.RelayDuplicates++;
                        NewRelayDuplicates.Add(gap >= TimeSpan.Zero
                            ? string.Create(CultureInfo.InvariantCulture, $"{group.Key}: the upstream's 250 came {gap.TotalMilliseconds:0} ms before the kill of server {before.Generation}; resent by server {again.Generation}")
                            : string.Create(CultureInfo.InvariantCulture, $"{group.Key}: the upstream accepted it {-gap.TotalMilliseconds:0} ms after server {before.Generation} was killed (its 250 was never read); resent by server {again.Generation}"));
                    }
                }

                _duplicatesReported[group.Key] = list.Count - 1;
            }
        }
    }
}
