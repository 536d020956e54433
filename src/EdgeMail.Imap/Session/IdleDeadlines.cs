namespace EdgeMail.Imap.Session;

/// <summary>
/// The autologout timer of every session in IDLE on one handler (RFC 9051 §5.4), as one timer instead of one per
/// session. All get the same timeout and start in order, so their deadlines come in the order they were added:
/// a list in that order, and a timer set for its head, are all it takes. A thousand idle clients then cost a
/// thousand list links, not a thousand timers.
/// </summary>
internal sealed class IdleDeadlines
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private IdleWait? _head;
    private IdleWait? _tail;

    public IdleDeadlines(TimeProvider time, TimeSpan timeout)
    {
        _time = time;
        Timeout = timeout;
        _timer = time.CreateTimer(static state => ((IdleDeadlines)state!).OnTimer(), this, System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
    }

    public TimeSpan Timeout { get; }

    /// <summary>Starts the timer of <paramref name="wait"/>, which times out <see cref="Timeout"/> after its start.</summary>
    public void Add(IdleWait wait)
    {
        lock (_gate)
        {
            wait.Previous = _tail;
            wait.Next = null;
            if (_tail is null)
            {
                _head = wait;
                Arm();
            }
            else
            {
                _tail.Next = wait;
            }

            _tail = wait;
            wait.Linked = true;
        }
    }

    /// <summary>Stops the timer of <paramref name="wait"/> (it ended, or timed out already).</summary>
    public void Remove(IdleWait wait)
    {
        lock (_gate)
        {
            if (!wait.Linked)
            {
                return;
            }

            Unlink(wait);
            if (wait.Previous is null)
            {
                Arm();
            }

            wait.Previous = wait.Next = null;
        }
    }

    private void OnTimer()
    {
        List<IdleWait>? due = null;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            while (_head is { } head && _time.GetElapsedTime(head.Started, now) >= Timeout)
            {
                Unlink(head);
                head.Previous = head.Next = null;
                (due ??= []).Add(head);
            }

            Arm();
        }

        // Outside the lock: a signal may run the session's continuation inline.
        foreach (var wait in due ?? [])
        {
            wait.TimeOut();
        }
    }

    private void Unlink(IdleWait wait)
    {
        if (wait.Previous is { } previous)
        {
            previous.Next = wait.Next;
        }
        else
        {
            _head = wait.Next;
        }

        if (wait.Next is { } next)
        {
            next.Previous = wait.Previous;
        }
        else
        {
            _tail = wait.Previous;
        }

        wait.Linked = false;
    }

    // Under the lock: the timer follows the head, or stops when nobody idles.
    private void Arm()
    {
        if (_head is null)
        {
            _timer.Change(System.Threading.Timeout.InfiniteTimeSpan, System.Threading.Timeout.InfiniteTimeSpan);
            return;
        }

        var left = Timeout - _time.GetElapsedTime(_head.Started);
        _timer.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan);
    }
}
