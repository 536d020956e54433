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

    // The collections below are made on first use: most sessions sit in IDLE with none of them ever needed.
    private List<MailboxChange>? _pending;
    private HashSet<uint>? _expunged;
    private HashSet<(uint Uid, ulong ModSeq)>? _ownModSeqs;

    /// <summary>Changes read from the feed but not yet reported: expunges wait while FETCH, STORE or SEARCH run.</summary>
    public List<MailboxChange> Pending => _pending ??= [];

    public bool HasPending => _pending is { Count: > 0 };

    /// <summary>UIDs whose expunge is known but not yet reported; they keep their sequence numbers until then.</summary>
    public HashSet<uint> Expunged => _expunged ??= [];

    /// <summary>
    /// Flag changes this session made itself, already answered by its STORE. Keyed by UID and MODSEQ: one STORE on
    /// several messages gives them all the same MODSEQ (RFC 7162 §3.1 asks only for one per command).
    /// </summary>
    public HashSet<(uint Uid, ulong ModSeq)> OwnModSeqs => _ownModSeqs ??= [];

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
