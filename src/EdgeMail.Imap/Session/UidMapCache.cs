using EdgeMail.Store;
using EdgeMail.Store.Changes;

namespace EdgeMail.Imap.Session;

/// <summary>
/// The UIDs of recently selected mailboxes, shared by every session and kept current by the change feed, so that
/// SELECT copies a handful of UID runs instead of reading 100,000 rows. The maps are updated under the feed's lock
/// in commit order, and a session takes its copy and its subscription at the same instant
/// (<see cref="ChangeFeed.SubscribeWithSnapshot{T}"/>), so it neither misses nor repeats a change.
/// </summary>
internal sealed class UidMapCache
{
    /// <summary>Mailboxes kept; a map of a mailbox without gaps is a few dozen bytes, a fragmented one more.</summary>
    public const int MaxMailboxes = 256;

    private readonly MailStore _store;

    // Guarded by the change feed's lock (the observer runs under it, and so do Snapshot and Install).
    // Keyed by mailbox id and checked against UIDVALIDITY: SQLite may give a deleted mailbox's id to a new one, and a
    // deletion made by the command line (another process) never reaches this feed.
    private readonly Dictionary<long, (UidMap Map, uint UidValidity, long LastUsed)> _maps = [];
    private long _clock;

    public UidMapCache(MailStore store)
    {
        _store = store;
        store.Changes.AddObserver(OnChange);
    }

    /// <summary>A subscription to the mailbox and the UIDs it holds at that instant.</summary>
    public async Task<(ChangeSubscription Changes, UidMap Uids)> OpenAsync(long mailboxId, uint uidValidity, CancellationToken cancellationToken)
    {
        var (subscription, cached) = _store.Changes.SubscribeWithSnapshot(mailboxId, () => Snapshot(mailboxId, uidValidity));
        if (cached is not null)
        {
            return (subscription, cached);
        }

        try
        {
            // Not cached: read it, with a subscription of its own taken before the read, whose changes are applied
            // under the feed's lock before the map is shared. The session's subscription, also older than the read,
            // brings it the same changes; a change both read and received is applied twice harmlessly
            // (UidMap.Apply and the session's updates are idempotent).
            using var loader = _store.Changes.Subscribe(mailboxId);
            var shared = new UidMap(await _store.ListUidsAsync(mailboxId, cancellationToken).ConfigureAwait(false));
            var own = shared.Clone();
            _store.Changes.Locked(() =>
            {
                while (loader.Reader.TryRead(out var change))
                {
                    shared.Apply(change);
                }

                if (_maps.Count >= MaxMailboxes)
                {
                    _maps.Remove(_maps.MinBy(e => e.Value.LastUsed).Key);
                }

                _maps[mailboxId] = (shared, uidValidity, ++_clock);
            });
            return (subscription, own);
        }
        catch
        {
            subscription.Dispose();
            throw;
        }
    }

    private UidMap? Snapshot(long mailboxId, uint uidValidity)
    {
        if (!_maps.TryGetValue(mailboxId, out var entry))
        {
            return null;
        }

        if (entry.UidValidity != uidValidity)
        {
            _maps.Remove(mailboxId);
            return null;
        }

        _maps[mailboxId] = (entry.Map, entry.UidValidity, ++_clock);
        return entry.Map.Clone();
    }

    private void OnChange(MailboxChange change)
    {
        if (!_maps.TryGetValue(change.MailboxId, out var entry))
        {
            return;
        }

        if (change.Kind == ChangeKind.MailboxDeleted)
        {
            _maps.Remove(change.MailboxId);
            return;
        }

        entry.Map.Apply(change);
    }
}
