using System.Threading.Channels;

namespace EdgeMail.Store.Changes;

/// <summary>
/// A live subscription; dispose it when the session ends or leaves the mailbox. Changes queue here until read
/// through <see cref="Reader"/>; <see cref="SetCallback"/> lets a waiting session learn of them without a pending
/// read.
/// </summary>
/// <remarks>
/// Thousands of these sit idle at once (one per IMAP client in IDLE), so an idle subscription holds no buffer and
/// no waiter: the queue is created by the first change and a waiter only while someone waits. A Channel costs
/// about 1.3 KiB each, mostly its preallocated segment and reusable waiters.
/// </remarks>
public sealed class ChangeSubscription : IDisposable
{
    private readonly ChangeFeed _feed;
    // The feed's own lock: publishing already holds it, and one per subscription would be a thousand more objects.
    private readonly Lock _gate;
    private readonly QueueReader _reader;
    private Queue<MailboxChange>? _items;
    private TaskCompletionSource<bool>? _waiter;
    private TaskCompletionSource? _completion;
    private Action<object?>? _callback;
    private object? _callbackState;
    private bool _completed;
    private int _disposed;

    internal ChangeSubscription(ChangeFeed feed, long? mailboxId)
    {
        _feed = feed;
        _gate = feed.Gate;
        MailboxId = mailboxId;
        _reader = new QueueReader(this);
    }

    public long? MailboxId { get; }

    /// <summary>The queued changes, in commit order; completed when the subscription ends.</summary>
    public ChannelReader<MailboxChange> Reader => _reader;

    /// <summary>
    /// Calls <paramref name="callback"/> after each change is queued and once when the subscription ends, on the
    /// publishing thread and under the feed's lock: it must only signal (never read, write or block). Null removes it.
    /// </summary>
    public void SetCallback(Action<object?>? callback, object? state)
    {
        lock (_gate)
        {
            _callback = callback;
            _callbackState = state;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _feed.Unsubscribe(this);
        }
    }

    internal void Post(MailboxChange change) => Wake(change);

    internal void Complete() => Wake(null);

    // Queues a change (or, with null, ends the subscription) and wakes the waiter and the callback.
    private void Wake(MailboxChange? change)
    {
        TaskCompletionSource<bool>? waiter;
        Action<object?>? callback;
        object? state;
        bool readable;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (change is null)
            {
                _completed = true;
            }
            else
            {
                (_items ??= new Queue<MailboxChange>(4)).Enqueue(change);
            }

            // After the end, queued changes stay readable: WaitToReadAsync answers true until they are read.
            readable = _items is { Count: > 0 };
            (waiter, _waiter) = (_waiter, null);
            (callback, state) = (_callback, _callbackState);
        }

        waiter?.TrySetResult(readable);
        if (change is null)
        {
            CompleteIfDrained();
        }

        callback?.Invoke(state);
    }

    // Channel semantics: Completion ends once the subscription is completed and every change has been read.
    private Task Completion()
    {
        lock (_gate)
        {
            if (_completed && _items is not { Count: > 0 })
            {
                return Task.CompletedTask;
            }

            _completion ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _completion.Task;
        }
    }

    private void CompleteIfDrained()
    {
        TaskCompletionSource? completion;
        lock (_gate)
        {
            if (!_completed || _items is { Count: > 0 })
            {
                return;
            }

            completion = _completion;
        }

        completion?.TrySetResult();
    }

    private bool TryRead(out MailboxChange item)
    {
        lock (_gate)
        {
            if (_items is { Count: > 0 } items)
            {
                item = items.Dequeue();
                if (items.Count == 0 && _completed)
                {
                    _completion?.TrySetResult();
                }

                return true;
            }
        }

        item = null!;
        return false;
    }

    private bool TryPeek(out MailboxChange item)
    {
        lock (_gate)
        {
            if (_items is { Count: > 0 } items)
            {
                item = items.Peek();
                return true;
            }
        }

        item = null!;
        return false;
    }

    private ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        Task<bool> wait;
        lock (_gate)
        {
            if (_items is { Count: > 0 })
            {
                return new ValueTask<bool>(true);
            }

            if (_completed)
            {
                return new ValueTask<bool>(false);
            }

            // Continuations run on the thread pool, never inline in the publisher (which holds the feed's lock).
            _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _waiter.Task;
        }

        return new ValueTask<bool>(cancellationToken.CanBeCanceled ? wait.WaitAsync(cancellationToken) : wait);
    }

    // The ChannelReader face of the queue, so that readers use the familiar TryRead / ReadAsync / WaitToReadAsync.
    private sealed class QueueReader(ChangeSubscription owner) : ChannelReader<MailboxChange>
    {
        public override bool TryRead(out MailboxChange item) => owner.TryRead(out item);

        public override bool TryPeek(out MailboxChange item) => owner.TryPeek(out item);

        public override bool CanPeek => true;

        public override Task Completion => owner.Completion();

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => owner.WaitToReadAsync(cancellationToken);
    }
}
