using System.Globalization;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.CrashHarness.Fetch;

/// <summary>
/// What the box shows of the fetched mail, read over its own IMAP after each restart: every message in alice's INBOX
/// with its token. A message is checked once, when first seen: below the one Received line the box adds, its bytes
/// must be the provider's (nothing half there). Each token at most once; nothing that is not from the provider; a
/// message once seen stays (a commit is not undone), under the same UID.
/// </summary>
internal sealed class LocalView(IReadOnlyDictionary<string, Fingerprint> expected, Tally tally)
{
    private readonly Dictionary<uint, string> _checked = [];
    private readonly HashSet<string> _duplicatesReported = new(StringComparer.Ordinal);
    private HashSet<string> _tokens = new(StringComparer.Ordinal);
    private uint _uidValidity;

    /// <summary>The provider's tokens seen here at the last read.</summary>
    public IReadOnlySet<string> Tokens => _tokens;

    /// <summary>Whether the last read found every provider message here exactly once.</summary>
    public bool Complete { get; private set; }

    public int Messages { get; private set; }

    public async Task ReadAsync(int imapPort, string where, CancellationToken cancellationToken)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", imapPort, SecureSocketOptions.None, cancellationToken).ConfigureAwait(false);
        await client.AuthenticateAsync(Box.User, Box.Password, cancellationToken).ConfigureAwait(false);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (_uidValidity != 0 && inbox.UidValidity != _uidValidity)
        {
            tally.Add("uid", $"{where}: UIDVALIDITY {_uidValidity} became {inbox.UidValidity}");
            _checked.Clear();
        }

        _uidValidity = inbox.UidValidity;
        var request = new FetchRequest(MessageSummaryItems.UniqueId) { Headers = new HeaderSet([CrashMail.TokenHeader]) };
        var summaries = inbox.Count == 0 ? [] : await inbox.FetchAsync(0, -1, request, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var summary in summaries)
        {
            var uid = summary.UniqueId.Id;
            var token = summary.Headers?[CrashMail.TokenHeader]?.Trim();
            if (token is null || !expected.ContainsKey(token))
            {
                tally.Add("other", $"{where}: UID {uid} is not one of the provider's messages (token {token ?? "none"})");
                continue;
            }

            counts[token] = counts.GetValueOrDefault(token) + 1;
            if (_checked.TryGetValue(uid, out var before))
            {
                if (before != token)
                {
                    tally.Add("corrupt", $"{where}: UID {uid} held {before}, now {token}");
                }

                continue;
            }

            await CheckBodyAsync(inbox, summary.UniqueId, token, where, cancellationToken).ConfigureAwait(false);
            _checked[uid] = token;
        }

        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        foreach (var (token, count) in counts.Where(c => c.Value > 1))
        {
            if (_duplicatesReported.Add(token))
            {
                tally.Add("duplicated", string.Create(CultureInfo.InvariantCulture, $"{where}: {token} is here {count} times"));
            }
        }

        foreach (var token in _tokens.Where(t => !counts.ContainsKey(t)))
        {
            tally.Add("lost", $"{where}: {token} was here at the last read and is gone");
        }

        _tokens = counts.Keys.ToHashSet(StringComparer.Ordinal);
        Messages = summaries.Count;
        Complete = counts.Count == expected.Count && counts.Values.All(c => c == 1);
    }

    private async Task CheckBodyAsync(IMailFolder inbox, UniqueId uid, string token, string where, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            using var stream = await inbox.GetStreamAsync(uid, cancellationToken).ConfigureAwait(false);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            bytes = copy.ToArray();
        }
        catch (Exception ex) when (ex is ImapCommandException or MessageNotFoundException)
        {
            tally.Add("corrupt", $"{where}: UID {uid.Id} ({token}) is listed but its body does not come: {ex.Message}");
            return;
        }

        var original = CrashMail.StripTrace(bytes, out var received);
        var got = Fingerprint.Of(original);
        if (received != 1 || got != expected[token])
        {
            tally.Add("corrupt", $"{where}: UID {uid.Id} ({token}): {received} Received line(s) over {got}; the provider serves {expected[token]}");
        }
    }
}
