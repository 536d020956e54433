namespace EdgeMail.Device.Leds;

/// <summary>
/// Plays patterns on one LED with the injected clock. It arms one timer, for the next edge only (the next moment
/// the level changes), and none while the LED is steady, so a steady appliance sets no timer at all. A steady or
/// repeating pattern is the LED's base; a one-shot pattern (blink-once) plays over it and then gives the LED back.
/// Thread-safe: signals, the timer and the status may call it at once.
/// </summary>
internal sealed class LedMachine : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ILedOutput? _output;
    private readonly TimeProvider _time;
    private readonly Action<Exception>? _onOutputFailure;
    private LedPattern _base = LedPatterns.Off;
    private LedPattern? _overlay;
    private int _step;
    private long _stepStarted;
    private bool? _level;
    private ITimer? _timer;
    private object? _armed;
    private (bool Overlay, int Step)? _pending;
    private bool _disposed;

    /// <param name="output">Where the level goes; null when the LED is not wired (the pattern still shows in the status).</param>
    /// <param name="onOutputFailure">Told when writing the level throws; the machine keeps its state and goes on.</param>
    public LedMachine(ILedOutput? output, TimeProvider time, Action<Exception>? onOutputFailure = null)
    {
        _output = output;
        _time = time;
        _onOutputFailure = onOutputFailure;
        Apply(false);
    }

    /// <summary>The pattern showing now: the one-shot while it plays, else the base.</summary>
    public string PatternName
    {
        get
        {
            lock (_gate)
            {
                return (_overlay ?? _base).Name;
            }
        }
    }

    /// <summary>Whether the LED is lit now.</summary>
    public bool IsLit
    {
        get
        {
            lock (_gate)
            {
                return _level == true;
            }
        }
    }

    /// <summary>Makes <paramref name="pattern"/> the base. The same base again changes nothing (a blink keeps its phase).</summary>
    public void Show(LedPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        lock (_gate)
        {
            if (_disposed || ReferenceEquals(pattern, _base))
            {
                return;
            }

            _base = pattern;
            if (_overlay is null)
            {
                EnterStep(0);
            }
            // Under a one-shot the LED goes on as it is, but where it goes afterwards has changed.
            Arm();
        }
    }

    /// <summary>Plays a one-shot pattern over the base (again from its start if one is playing).</summary>
    public void Play(LedPattern once)
    {
        ArgumentNullException.ThrowIfNull(once);
        if (once.Repeats || once.IsSteady)
        {
            throw new ArgumentException($"{once.Name} is not a one-shot pattern", nameof(once));
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _overlay = once;
            EnterStep(0);
            Arm();
        }
    }

    private LedPattern Current => _overlay ?? _base;

    /// <summary>
    /// Finds the next edge from the current step: walks on through steps of the same level (and from the end of a
    /// one-shot into the base) and arms one timer for it, or none if the level never changes again. A one-shot whose
    /// remaining steps look like the steady base is over already.
    /// </summary>
    private void Arm()
    {
        _timer?.Dispose();
        _timer = null;
        _armed = null;
        _pending = null;

        var overlay = _overlay is not null;
        var pattern = Current;
        var step = _step;
        var level = pattern.Steps[step].On;
        // Counted from when the current step began: a Show under a one-shot must not stretch the step playing.
        var after = -_time.GetElapsedTime(_stepStarted);
        // Bounded: a repeating pattern whose steps all have one level has no edge and counts as steady.
        for (var walked = 0; walked <= _base.Steps.Count + (_overlay?.Steps.Count ?? 0); walked++)
        {
            var duration = pattern.Steps[step].Duration;
            if (duration == Timeout.InfiniteTimeSpan)
            {
                break;
            }

            after += duration;
            if (step + 1 < pattern.Steps.Count)
            {
                step++;
            }
            else if (pattern.Repeats)
            {
                step = 0;
            }
            else
            {
                overlay = false;
                pattern = _base;
                step = 0;
            }

            if (pattern.Steps[step].On != level)
            {
                _pending = (overlay, step);
                var token = new object();
                _armed = token;
                _timer = _time.CreateTimer(OnEdge, token, after > TimeSpan.Zero ? after : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        if (_overlay is not null && !overlay)
        {
            _overlay = null;
            _step = 0;
        }
    }

    private void OnEdge(object? token)
    {
        lock (_gate)
        {
            // A timer replaced by a later Show or Play may still fire once; only the armed one counts.
            if (_disposed || token != _armed || _pending is not { } next)
            {
                return;
            }

            if (!next.Overlay)
            {
                _overlay = null;
            }
            EnterStep(next.Step);
            Arm();
        }
    }

    private void EnterStep(int step)
    {
        _step = step;
        _stepStarted = _time.GetTimestamp();
        Apply(Current.Steps[step].On);
    }

    private void Apply(bool on)
    {
        if (_level == on)
        {
            return;
        }

        _level = on;
        try
        {
            _output?.Set(on);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _onOutputFailure?.Invoke(ex);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            _armed = null;
        }
    }
}
