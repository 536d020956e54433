using EdgeMail.Store.Changes;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Imap.Session;

/// <summary>
/// The client's view of its selected mailbox: the sequence-number map (UIDs in order, RFC 9051 §2.3.1.2) as
/// last told to the client, and the change-feed subscription that brings what other sessions did.
/// A message leaves the map only when its EXPUNGE (or VANISHED) has been sent.
/// </summary>
internal sealed class SelectedMailbox(MailboxInfo info, bool readOnly, UidMap uids, ChangeSubscription changes) : IDisposable
{
    public MailboxInfo Info { get; set; } = info;

    public long Id => Info.Id;

    public bool ReadOnly { get; } = readOnly;

    /// <summary>UIDs by sequence number minus one.</summary>
    public UidMap Uids { get; } = uids;

    public ChangeSubscription Changes { get; } = changes;

    /// <summary>The highest MODSEQ the client has been told about (RFC 7162 §3.1.2.1).</summary>
    public ulong HighestModSeq { get; set; } = info.HighestModSeq;

    /// <summary>Changes read from the feed but not yet reported: expunges wait while FETCH, STORE or SEARCH run.</summary>
    public PendingUpdates Updates => _updates ??= new(_modSeqAtSelect);

    /// <summary>Reads what the feed delivered into <see cref="Updates"/>, making it only when there is something.</summary>
    public void DrainChanges()
    {
        if (_updates is null && !Changes.Reader.TryPeek(out _))
        {
            return;
        }

        Updates.Drain(Changes.Reader);
    }

    /// <summary>Whether changes wait to be reported.</summary>
    public bool HasPending => _updates is { } updates && (updates.HasOrdered || updates.HasFlags);

    // Made when the first change comes: a session idling on a quiet mailbox needs none.
    private PendingUpdates? _updates;
    private readonly ulong _modSeqAtSelect = info.HighestModSeq;

    /// <summary>UIDs whose expunge is known but not yet reported; they keep their sequence numbers until then.</summary>
    public bool IsExpunged(uint uid) => _updates?.IsExpunged(uid) == true;

    private HashSet<string>? _keywords;

    /// <summary>
    /// Keywords beyond the defaults that the client has been told of in a FLAGS response (RFC 9051 §7.3.5); made when the
    /// first one is seen, since most sessions never see one (an IDLE session should hold no set).
    /// </summary>
    public IReadOnlyCollection<string> AddedKeywords => (IReadOnlyCollection<string>?)_keywords ?? [];

    /// <summary>Records a keyword as announced; false when the client already knows it.</summary>
    public bool LearnKeyword(string keyword) =>
        Array.IndexOf(Commands.Select.DefaultKeywords, keyword) < 0 && (_keywords ??= new(StringComparer.Ordinal)).Add(keyword);

    // \Recent (RFC 3501 §2.3.2), for IMAP4rev1 sessions only: UID ranges [From, To) that this session claimed, or for
    // EXAMINE, which claims nothing (RFC 3501 §6.3.2), every UID no session has claimed yet.
    private List<(uint From, uint To)>? _recent;

    /// <summary>An IMAP4rev1 session that selected read-write claims \Recent for what arrives while it is selected.</summary>
    public bool ClaimsRecent { get; set; }

    /// <summary>The UID from which arrivals are not yet claimed by this session.</summary>
    public uint RecentClaimedTo { get; set; }

    public void AddRecent(uint from, uint to)
    {
        if (from >= to)
        {
            return;
        }

        // Successive claims of one session are usually contiguous: one range grows instead of a list of them.
        var recent = _recent ??= [];
        if (recent.Count > 0 && recent[^1].To == from)
        {
            recent[^1] = (recent[^1].From, to);
        }
        else
        {
            recent.Add((from, to));
        }
    }

    public bool IsRecent(uint uid)
    {
        if (_recent is null)
        {
            return false;
        }

        foreach (var (from, to) in _recent)
        {
            if (uid >= from && uid < to)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many messages the client knows are \Recent (RFC 3501 §7.3.2 RECENT).</summary>
    public int RecentCount
    {
        get
        {
            var count = 0;
            foreach (var (from, to) in _recent ?? [])
            {
                count += IndexAtOrAfter(to) - IndexAtOrAfter(from);
            }

            return count;
        }
    }

    private int IndexAtOrAfter(uint uid) => Uids.BinarySearch(uid) is var i && i >= 0 ? i : ~i;

    /// <summary>The result of the last SEARCH ... RETURN (SAVE) as UIDs (RFC 5182 §2.1).</summary>
    public IReadOnlyList<uint> SavedSearch { get; set; } = [];

    public uint MaxUid => Uids.MaxUid;

    public int Count => Uids.Count;

    /// <summary>The sequence number of a UID, or 0 when the client does not know it.</summary>
    public int SequenceOf(uint uid)
    {
        var index = Uids.BinarySearch(uid);
        return index < 0 ? 0 : index + 1;
    }

    public void Dispose() => Changes.Dispose();
}
