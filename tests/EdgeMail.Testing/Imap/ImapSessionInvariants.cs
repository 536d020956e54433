namespace EdgeMail.Testing.Imap;

/// <summary>
/// Rules across the responses of one session, each an optional switch: MODSEQ per UID never decreases
/// (RFC 7162 §3.1.4.1: a server never sends a lower MODSEQ for a message than one it sent), and a keyword in a
/// FETCH FLAGS list was announced in the most recent untagged FLAGS (RFC 9051 §7.3.5: FLAGS lists the flags
/// applicable in the mailbox). Feed it the commands sent and the responses read.
/// </summary>
public sealed class ImapSessionInvariants
{
    private static readonly HashSet<string> SystemFlags = new(StringComparer.OrdinalIgnoreCase)
    {
        "\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft", "\\Recent",
    };

    private readonly Dictionary<string, Dictionary<uint, ulong>> _modSeqs = new(StringComparer.Ordinal);
    private HashSet<string>? _announced;
    private string _mailbox = string.Empty;
    private string _mailboxKey = string.Empty;

    /// <summary>Throw when a FETCH carrying UID and MODSEQ has a lower MODSEQ than an earlier one for that UID.</summary>
    public bool CheckModSeqNeverDecreases { get; set; }

    /// <summary>Throw when a FETCH FLAGS keyword was not in the most recent untagged FLAGS.</summary>
    public bool CheckKeywordsAnnounced { get; set; }

    /// <summary>The flags of the most recent untagged FLAGS; null before any.</summary>
    public IReadOnlyCollection<string>? AnnouncedFlags => _announced;

    /// <summary>Notes a command line as sent: SELECT and EXAMINE change the mailbox that UIDs belong to.</summary>
    public void CommandSent(string line)
    {
        var words = line.Split(' ', 3);
        if (words.Length >= 3 && (words[1].Equals("SELECT", StringComparison.OrdinalIgnoreCase) || words[1].Equals("EXAMINE", StringComparison.OrdinalIgnoreCase)))
        {
            var rest = words[2];
            _mailbox = rest.StartsWith('"') ? rest[..(rest.IndexOf('"', 1) + 1)] : rest.Split(' ')[0];
            _mailboxKey = _mailbox;
        }
    }

    /// <summary>Checks one response read from the server; throws <see cref="ImapInvariantException"/> on a broken rule.</summary>
    public void Observe(ImapResponse response)
    {
        if (response.Kind != ImapResponseKind.Untagged)
        {
            return;
        }

        if (response.Name == "FLAGS")
        {
            _announced = new HashSet<string>(response.Flags!, StringComparer.OrdinalIgnoreCase);
        }
        else if (response.Text?.Code is { Name: "UIDVALIDITY", Number: { } validity })
        {
            // UIDs are unique per mailbox and UIDVALIDITY (RFC 9051 §2.3.1.1).
            _mailboxKey = _mailbox + "/" + validity.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (response.Fetch is { } fetch)
        {
            CheckFetch(fetch, response);
        }
    }

    private void CheckFetch(FetchResponse fetch, ImapResponse response)
    {
        if (CheckKeywordsAnnounced && fetch.Flags is { } flags)
        {
            foreach (var flag in flags)
            {
                if (!SystemFlags.Contains(flag) && (_announced is null || !_announced.Contains(flag)))
                {
                    var announced = _announced is null ? "no FLAGS response yet" : "FLAGS (" + string.Join(' ', _announced) + ")";
                    throw new ImapInvariantException($"keyword {flag} in FETCH of message {fetch.SequenceNumber} was not announced in the most recent untagged FLAGS ({announced}): {response}");
                }
            }
        }

        if (CheckModSeqNeverDecreases && fetch is { Uid: { } uid, ModSeq: { } modSeq })
        {
            if (!_modSeqs.TryGetValue(_mailboxKey, out var perUid))
            {
                perUid = [];
                _modSeqs[_mailboxKey] = perUid;
            }

            if (perUid.TryGetValue(uid, out var previous) && modSeq < previous)
            {
                throw new ImapInvariantException($"MODSEQ of UID {uid} went back from {previous} to {modSeq} in mailbox {_mailboxKey}: {response}");
            }

            perUid[uid] = Math.Max(modSeq, previous);
        }
    }
}
