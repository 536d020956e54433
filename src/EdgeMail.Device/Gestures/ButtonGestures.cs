namespace EdgeMail.Device.Gestures;

/// <summary>
/// The button's gestures from its raw edges and the injected clock (ours, not Iot's GpioButton, whose holds run on
/// System.Threading.Timer and DateTime and cannot be stepped by a test). An edge within the debounce time of the last
/// accepted edge is bounce; a release before the hold time is a short press; reaching the hold time while down raises
/// <see cref="Held"/> at that moment, and the release after it does nothing more. One timer, and only while the button
/// is down (or while a bounced edge left the raw level unlike the accepted one, to take it once the contacts settle).
/// </summary>
internal sealed class ButtonGestures : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _debounce;
    private readonly TimeSpan _hold;
    private bool _down;
    private bool _raw;
    private bool _held;
    private long? _lastAccepted;
    private long _pressedAt;
    private ITimer? _timer;
    private object? _armed;
    private ButtonGesture _last;
    private DateTimeOffset? _lastAt;
    private bool _disposed;

    public ButtonGestures(TimeProvider time, TimeSpan debounce, TimeSpan hold)
    {
        if (hold <= debounce)
        {
            throw new ArgumentOutOfRangeException(nameof(hold), hold, "the hold time must be longer than the debounce time");
        }

        _time = time;
        _debounce = debounce;
        _hold = hold;
    }

    /// <summary>A press released before the hold time (raised on the caller's or the timer's thread, outside the lock).</summary>
    public event Action? ShortPress;

    /// <summary>The hold time was reached with the button still down.</summary>
    public event Action? Held;

    /// <summary>The last accepted gesture and when it happened.</summary>
    public (ButtonGesture Gesture, DateTimeOffset? At) Last
    {
        get
        {
            lock (_gate)
            {
                return (_last, _lastAt);
            }
        }
    }

    /// <summary>Whether the button counts as down now.</summary>
    public bool IsDown
    {
        get
        {
            lock (_gate)
            {
                return _down;
            }
        }
    }

    /// <summary>A raw edge from the pin: pressed (true) or released (false), now by the injected clock.</summary>
    public void Edge(bool pressed)
    {
        Action? raise;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _raw = pressed;
            var now = _time.GetTimestamp();
            if (_lastAccepted is { } last && _time.GetElapsedTime(last, now) < _debounce)
            {
                // Bounce. If the contacts come to rest unlike what was accepted, the settle check takes it.
                Arm(now);
                return;
            }

            raise = Accept(pressed, now);
            Arm(now);
        }

        raise?.Invoke();
    }

    private Action? Accept(bool pressed, long now)
    {
        if (pressed == _down)
        {
            return null;
        }

        _down = pressed;
        _lastAccepted = now;
        if (pressed)
        {
            _pressedAt = now;
            _held = false;
            Record(ButtonGesture.Down);
            return null;
        }

        if (_held)
        {
            Record(ButtonGesture.Released);
            return null;
        }

        Record(ButtonGesture.ShortPress);
        return ShortPress;
    }

    private void Record(ButtonGesture gesture)
    {
        _last = gesture;
        _lastAt = _time.GetUtcNow();
    }

    /// <summary>Arms the one timer for the earlier of the hold time and the end of the debounce time, if either is due.</summary>
    private void Arm(long now)
    {
        _timer?.Dispose();
        _timer = null;
        _armed = null;

        TimeSpan? due = null;
        if (_down && !_held)
        {
            due = _hold - _time.GetElapsedTime(_pressedAt, now);
        }
        if (_raw != _down && _lastAccepted is { } last)
        {
            var settle = _debounce - _time.GetElapsedTime(last, now);
            due = due is { } d && d < settle ? d : settle;
        }

        if (due is { } after)
        {
            var token = new object();
            _armed = token;
            _timer = _time.CreateTimer(OnTimer, token, after > TimeSpan.Zero ? after : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer(object? token)
    {
        Action? raise = null;
        lock (_gate)
        {
            if (_disposed || token != _armed)
            {
                return;
            }

            var now = _time.GetTimestamp();
            if (_raw != _down && _lastAccepted is { } last && _time.GetElapsedTime(last, now) >= _debounce)
            {
                raise = Accept(_raw, now);
            }

            if (_down && !_held && _time.GetElapsedTime(_pressedAt, now) >= _hold)
            {
                _held = true;
                Record(ButtonGesture.Held);
                raise = Held;
            }

            Arm(now);
        }

        raise?.Invoke();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            _armed = null;
        }
    }
}
