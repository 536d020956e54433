namespace EdgeMail.Auth.Pairing;

/// <summary>
/// The pairing window: while it is open, a pairing request (<see cref="PairingService"/>) may make an app password. It
/// is opened by the button's hold or <c>edgemail pair</c>, closed by another hold or <c>edgemail pair --close</c>, and
/// expires by the clock after <c>Device:Pairing:Window</c>. Time comes from the injected <see cref="TimeProvider"/>:
/// <see cref="IsOpen"/> compares with the clock, so a late timer never keeps a window open, and the one timer (armed
/// only while open) is there to raise <see cref="Changed"/> on expiry. Thread-safe; <see cref="Changed"/> is raised
/// outside the lock, on the caller's thread or the timer's.
/// </summary>
public sealed class PairingWindow : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private DateTimeOffset? _closesAt;
    private bool _disposed;

    public PairingWindow(PairingOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (PairingOptions.FirstProblem(options) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        Length = options.Window;
        _time = time;
    }

    /// <summary>Raised when the window opens, closes or expires (the status LED and the web page follow it).</summary>
    public event EventHandler<PairingWindowChangedEventArgs>? Changed;

    /// <summary>How long a window stays open (<c>Device:Pairing:Window</c>).</summary>
    public TimeSpan Length { get; }

    public bool IsOpen => ClosesAt is not null;

    /// <summary>When the open window closes by itself; null while closed.</summary>
    public DateTimeOffset? ClosesAt
    {
        get
        {
            lock (_gate)
            {
                return _closesAt is { } at && at > _time.GetUtcNow() ? at : null;
            }
        }
    }

    /// <summary>What is left of the open window; zero while closed.</summary>
    public TimeSpan TimeLeft => ClosesAt is { } at && at - _time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;

    /// <summary>Opens the window for its full length (again, if it was open).</summary>
    public void Open()
    {
        DateTimeOffset closesAt;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            closesAt = _time.GetUtcNow() + Length;
            _closesAt = closesAt;
            if (_timer is null)
            {
                _timer = _time.CreateTimer(static state => ((PairingWindow)state!).Expire(), this, Length, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timer.Change(Length, Timeout.InfiniteTimeSpan);
            }
        }

        Changed?.Invoke(this, new PairingWindowChangedEventArgs(PairingWindowChange.Opened, true, closesAt));
    }

    /// <summary>Closes the window; false (and no event) if it was not open.</summary>
    public bool Close() => End(PairingWindowChange.Closed, expiredOnly: false);

    /// <summary>Opens a closed window or closes an open one (the button's hold); true if it is open now.</summary>
    public bool Toggle()
    {
        if (Close())
        {
            return false;
        }

        Open();
        return true;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _closesAt = null;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire() => End(PairingWindowChange.Expired, expiredOnly: true);

    private bool End(PairingWindowChange change, bool expiredOnly)
    {
        lock (_gate)
        {
            if (_closesAt is not { } at)
            {
                return false;
            }

            var now = _time.GetUtcNow();
            if (expiredOnly && at > now)
            {
                // A timer from before the window was opened again: it is still open, and its own timer is armed.
                return false;
            }

            _closesAt = null;
            _timer?.Dispose();
            _timer = null;
            if (!expiredOnly && at <= now)
            {
                // Already over by the clock: its expiry is what ends it, so say that.
                change = PairingWindowChange.Expired;
            }
        }

        Changed?.Invoke(this, new PairingWindowChangedEventArgs(change, false, null));
        return change == PairingWindowChange.Closed;
    }
}
