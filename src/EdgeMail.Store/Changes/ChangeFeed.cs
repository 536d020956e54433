namespace EdgeMail.Store.Changes;

/// <summary>
/// In-process change notification: every committed change reaches every subscriber of its mailbox
/// (and the account-wide and global subscribers) in commit order. No file-system watching.
/// Publishing never blocks the writer: queues are unbounded, and a subscriber that stops reading
/// is expected to dispose its subscription.
/// </summary>
public sealed class ChangeFeed
{
    private readonly Lock _gate = new();

    // Subscriptions guard their queues with it too (a publish holds it while it queues).
    internal Lock Gate => _gate;
    private readonly Dictionary<long, List<ChangeSubscription>> _byMailbox = [];
    private readonly List<ChangeSubscription> _all = [];
    private readonly List<Action<MailboxChange>> _observers = [];

    /// <summary>Changes of one mailbox (a selected IMAP mailbox, a POP3 maildrop).</summary>
    public ChangeSubscription Subscribe(long mailboxId)
    {
        var sub = new ChangeSubscription(this, mailboxId);
        lock (_gate)
        {
            if (!_byMailbox.TryGetValue(mailboxId, out var list))
            {
                _byMailbox[mailboxId] = list = [];
            }

            list.Add(sub);
        }

        return sub;
    }

    /// <summary>
    /// A subscription to one mailbox together with a snapshot taken at the same instant: no change is both in the
    /// snapshot and in the subscription, and none is in neither. <paramref name="snapshot"/> runs under the feed's
    /// lock, so it must be quick and do no I/O (a copy of an in-memory index kept by an observer).
    /// </summary>
    public (ChangeSubscription Subscription, T Snapshot) SubscribeWithSnapshot<T>(long mailboxId, Func<T> snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            return (Subscribe(mailboxId), snapshot());
        }
    }

    /// <summary>
    /// Calls <paramref name="observer"/> for every change, in commit order, synchronously under the feed's lock
    /// (in-memory indexes that must never lag the feed). It must be quick and must not throw.
    /// </summary>
    public void AddObserver(Action<MailboxChange> observer)
    {
        lock (_gate)
        {
            _observers.Add(observer);
        }
    }

    /// <summary>Runs <paramref name="action"/> with no change published meanwhile (to install an index built beside the feed).</summary>
    public void Locked(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            action();
        }
    }

    /// <summary>Changes of every mailbox (the new-mail LED, status counters).</summary>
    public ChangeSubscription SubscribeAll()
    {
        var sub = new ChangeSubscription(this, null);
        lock (_gate)
        {
            _all.Add(sub);
        }

        return sub;
    }

    internal void Publish(MailboxChange change)
    {
        lock (_gate)
        {
            foreach (var observer in _observers)
            {
                observer(change);
            }

            if (_byMailbox.TryGetValue(change.MailboxId, out var list))
            {
                foreach (var sub in list)
                {
                    sub.Post(change);
                }
            }

            foreach (var sub in _all)
            {
                sub.Post(change);
            }
        }
    }

    internal void Unsubscribe(ChangeSubscription sub)
    {
        lock (_gate)
        {
            if (sub.MailboxId is { } id)
            {
                if (_byMailbox.TryGetValue(id, out var list) && list.Remove(sub) && list.Count == 0)
                {
                    _byMailbox.Remove(id);
                }
            }
            else
            {
                _all.Remove(sub);
            }
        }

        sub.Complete();
    }
}

