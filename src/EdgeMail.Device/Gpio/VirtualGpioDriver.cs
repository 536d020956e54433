using System.Device.Gpio;

namespace EdgeMail.Device.Gpio;

/// <summary>
/// A GPIO driver whose pins live in memory (Device:Gpio:Driver = Virtual): laptops, tests and CI. Outputs can be
/// read back (<see cref="GetLevel"/>, <see cref="LevelChanged"/>); inputs take edges injected by a test or a
/// loopback-only test endpoint (<see cref="SetInput"/>), which raise the callbacks a <see cref="GpioController"/>
/// registered, as a real chip's edge events do. <see cref="FailOpen"/> makes opening fail, as a missing chip, a
/// permission or a busy pin does on the appliance.
/// </summary>
public sealed class VirtualGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, VirtualPin> _pins = [];
    private readonly int _pinCount;

    /// <param name="pinCount">Pins 0 to pinCount - 1 exist (54 as on a Pi's main chip).</param>
    public VirtualGpioDriver(int pinCount = 54)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pinCount);
        _pinCount = pinCount;
    }

    /// <summary>When set, opening any pin throws it (as LibGpiodDriver throws for a missing chip or a busy line).</summary>
    public Exception? FailOpen { get; set; }

    /// <summary>An output pin was written with a new level (pin, level). Raised on the writer's thread, outside any lock.</summary>
    public event Action<int, PinValue>? LevelChanged;

    protected override int PinCount => _pinCount;

    /// <summary>The level of every open pin, by number (the web page's loopback test hook shows them).</summary>
    public IReadOnlyDictionary<int, int> OpenPinLevels()
    {
        var levels = new SortedDictionary<int, int>();
        for (int pin = 0; pin < _pinCount; pin++)
        {
            if (IsOpen(pin))
            {
                levels[pin] = GetLevel(pin) == PinValue.High ? 1 : 0;
            }
        }
        return levels;
    }

    /// <summary>The level a pin shows now: what was last written to an output, or an input's level.</summary>
    public PinValue GetLevel(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).Level;
        }
    }

    /// <summary>Whether a pin is open (by a controller).</summary>
    public bool IsOpen(int pinNumber)
    {
        lock (_gate)
        {
            return _pins.TryGetValue(pinNumber, out var pin) && pin.IsOpen;
        }
    }

    /// <summary>The mode a pin was last given.</summary>
    public PinMode GetMode(int pinNumber)
    {
        lock (_gate)
        {
            return Pin(pinNumber).Mode;
        }
    }

    /// <summary>
    /// Drives an input pin to <paramref name="level"/> from outside (a finger on the button). If the level changes,
    /// the registered callbacks for that edge run on the caller's thread, as the driver's event thread would run them.
    /// </summary>
    public void SetInput(int pinNumber, PinValue level)
    {
        PinChangeEventHandler[] callbacks;
        PinEventTypes edge;
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            if (pin.Level == level)
            {
                return;
            }

            pin.Level = level;
            edge = level == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
            callbacks = pin.Callbacks.Where(c => (c.Events & edge) != 0).Select(c => c.Handler).ToArray();
            pin.EdgeWaiters.ForEach(w => w.TrySetResult(edge));
            pin.EdgeWaiters.Clear();
        }

        var args = new PinValueChangedEventArgs(edge, pinNumber);
        foreach (var callback in callbacks)
        {
            callback(this, args);
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        if (FailOpen is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            var pin = Pin(pinNumber);
            if (pin.IsOpen)
            {
                throw new InvalidOperationException($"GPIO {pinNumber} is busy");
            }
            pin.IsOpen = true;
        }
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            pin.IsOpen = false;
            pin.Callbacks.Clear();
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            pin.Mode = mode;
            // An idle input shows its pull: high with a pull-up, low otherwise (a floating pin reads low here).
            if (mode == PinMode.InputPullUp)
            {
                pin.Level = PinValue.High;
            }
            else if (mode is PinMode.InputPullDown or PinMode.Input)
            {
                pin.Level = PinValue.Low;
            }
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        SetPinMode(pinNumber, mode);
        if (mode == PinMode.Output)
        {
            Write(pinNumber, initialValue);
        }
    }

    protected override PinMode GetPinMode(int pinNumber) => GetMode(pinNumber);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) =>
        mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;

    protected override PinValue Read(int pinNumber) => GetLevel(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        bool changed;
        lock (_gate)
        {
            var pin = Pin(pinNumber);
            changed = pin.Level != value;
            pin.Level = value;
        }

        if (changed)
        {
            LevelChanged?.Invoke(pinNumber, value);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        WaitForEventAsync(pinNumber, eventTypes, cancellationToken).AsTask().GetAwaiter().GetResult();

    protected override async ValueTask<WaitForEventResult> WaitForEventAsync(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        while (true)
        {
            var waiter = new TaskCompletionSource<PinEventTypes>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                Pin(pinNumber).EdgeWaiters.Add(waiter);
            }

            try
            {
                var edge = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                if ((edge & eventTypes) != 0)
                {
                    return new WaitForEventResult { EventTypes = edge, TimedOut = false };
                }
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    Pin(pinNumber).EdgeWaiters.Remove(waiter);
                }
                return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
            }
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Pin(pinNumber).Callbacks.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            Pin(pinNumber).Callbacks.RemoveAll(c => c.Handler == callback);
        }
    }

    private VirtualPin Pin(int pinNumber)
    {
        if (pinNumber < 0 || pinNumber >= _pinCount)
        {
            throw new ArgumentOutOfRangeException(nameof(pinNumber), pinNumber, $"the virtual chip has GPIO 0 to {_pinCount - 1}");
        }

        if (!_pins.TryGetValue(pinNumber, out var pin))
        {
            pin = new VirtualPin();
            _pins[pinNumber] = pin;
        }
        return pin;
    }

    private sealed class VirtualPin
    {
        public bool IsOpen { get; set; }

        public PinMode Mode { get; set; } = PinMode.Input;

        public PinValue Level { get; set; } = PinValue.Low;

        public List<(PinEventTypes Events, PinChangeEventHandler Handler)> Callbacks { get; } = [];

        public List<TaskCompletionSource<PinEventTypes>> EdgeWaiters { get; } = [];
    }
}
