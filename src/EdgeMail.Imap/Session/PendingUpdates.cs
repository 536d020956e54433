using System.Threading.Channels;
using EdgeMail.Store.Changes;

namespace EdgeMail.Imap.Session;

/// <summary>
/// What the change feed brought for the selected mailbox and the session has not reported yet, kept so that no
/// message's state ever goes back in what the client is told (RFC 7162 §3.1.4: MODSEQ only grows; RFC 9051 §7.5.2).
/// <list type="bullet">
/// <item>Changes that move sequence numbers (appends, expunges) and mailbox events stay in feed order.</item>
/// <item>Flag changes are coalesced per UID to the newest state: only one FETCH per message goes out, the latest.</item>
/// <item>A response the session writes itself (FETCH, STORE) reports a message's state at some MODSEQ; pending
///   changes no newer than that are dropped, since the client has their result. A change already committed but
///   still on its way through the feed (the writer loop publishes right after its commit) may arrive after such a
///   response: <see cref="_ahead"/> remembers the MODSEQ reported beyond what the feed delivered, until the feed
///   catches up.</item>
/// </list>
/// The collections are made on first use: most sessions sit in IDLE with none of them ever needed.
/// </summary>
internal sealed class PendingUpdates(ulong modSeqAtSelect)
{
    private readonly ulong _atSelect = modSeqAtSelect;

    private List<MailboxChange>? _ordered;
    private Dictionary<uint, PendingFlags>? _flags;
    private Dictionary<uint, ulong>? _ahead;
    private HashSet<uint>? _expunged;

    // Every change up to this MODSEQ has been read from the feed (or was committed before the SELECT, whose answer
    // and every later read already reflect it).
    private ulong _delivered = modSeqAtSelect;

    /// <summary>A message's newest unreported flag state, and the oldest MODSEQ folded into it.</summary>
    public readonly record struct PendingFlags(MailboxChange Newest, ulong OldestModSeq);

    /// <summary>Appends, expunges and mailbox events, in feed order.</summary>
    public List<MailboxChange> Ordered => _ordered ??= [];

    public bool HasOrdered => _ordered is { Count: > 0 };

    public bool HasFlags => _flags is { Count: > 0 };

    /// <summary>UIDs whose expunge is known but not yet reported; they keep their sequence numbers until then.</summary>
    public HashSet<uint> Expunged => _expunged ??= [];

    public bool IsExpunged(uint uid) => _expunged?.Contains(uid) == true;

    /// <summary>Reads everything the feed has delivered so far.</summary>
    public void Drain(ChannelReader<MailboxChange> reader)
    {
        while (reader.TryRead(out var change))
        {
            if (change.ModSeq > _delivered)
            {
                _delivered = change.ModSeq;
            }

            if (change.Kind != ChangeKind.FlagsChanged)
            {
                Ordered.Add(change);
                continue;
            }

            // Committed before the SELECT: what the client reads since then already has it.
            if (change.ModSeq <= _atSelect)
            {
                continue;
            }

            if (_ahead is not null && _ahead.TryGetValue(change.Uid, out var reported) && change.ModSeq <= reported)
            {
                continue;
            }

            var flags = _flags ??= [];
            flags[change.Uid] = flags.TryGetValue(change.Uid, out var older)
                ? new PendingFlags(change.ModSeq >= older.Newest.ModSeq ? change : older.Newest, Math.Min(older.OldestModSeq, change.ModSeq))
                : new PendingFlags(change, change.ModSeq);
        }

        if (_ahead is { Count: > 0 } ahead)
        {
            foreach (var (uid, modseq) in ahead)
            {
                if (modseq <= _delivered)
                {
                    ahead.Remove(uid);
                }
            }
        }
    }

    /// <summary>
    /// The session is about to tell the client the state of <paramref name="uid"/> at <paramref name="modSeq"/>.
    /// Pending flag changes no newer than that are dropped. Returns true when one of them came from elsewhere than
    /// the operation that made <paramref name="modSeq"/>: the response must then carry FLAGS even where the client did
    /// not ask (RFC 9051 §6.4.6: a flag change from an external source is reported even for .SILENT).
    /// </summary>
    public bool Reporting(uint uid, ulong modSeq)
    {
        var external = false;
        if (_flags is not null && _flags.TryGetValue(uid, out var pending) && pending.Newest.ModSeq <= modSeq)
        {
            _flags.Remove(uid);
            external = pending.OldestModSeq < modSeq;
        }

        if (modSeq > _delivered)
        {
            var ahead = _ahead ??= [];
            if (!ahead.TryGetValue(uid, out var reported) || reported < modSeq)
            {
                ahead[uid] = modSeq;
            }
        }

        return external;
    }

    /// <summary>Takes the coalesced flag changes, in UID order.</summary>
    public List<MailboxChange> TakeFlags()
    {
        if (_flags is not { Count: > 0 } flags)
        {
            return [];
        }

        var list = new List<MailboxChange>(flags.Count);
        foreach (var pending in flags.Values)
        {
            list.Add(pending.Newest);
        }

        flags.Clear();
        list.Sort(static (a, b) => a.Uid.CompareTo(b.Uid));
        return list;
    }
}
