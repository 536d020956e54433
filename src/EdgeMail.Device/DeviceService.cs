using System.Device.Gpio;
using EdgeMail.Device.Board;
using EdgeMail.Device.Gestures;
using EdgeMail.Device.Gpio;
using EdgeMail.Device.Leds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Device;

/// <summary>
/// The appliance's face as a hosted service: opens the driver Device:Gpio:Driver names (always through
/// <c>new GpioController(driver)</c>, never the probing constructor), drives the two LEDs from
/// <see cref="DeviceSignals"/> through <see cref="DevicePolicy"/>, and turns the button's gestures into
/// <see cref="DeviceSignals.ButtonHeld"/> and <see cref="DeviceSignals.MailAcknowledged"/>. If GPIO or a LED cannot be
/// opened (no permission, no chip, a busy pin) it starts anyway, logs why once, and <see cref="GetStatus"/> says so:
/// mail never waits for the LEDs.
/// </summary>
public sealed class DeviceService : IHostedService, IDisposable
{
    private readonly DeviceOptions _options;
    private readonly DeviceSignals _signals;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DevicePaths _paths;
    private readonly Func<GpioOptions, GpioDriver> _createDriver;
    private readonly BoardReader _board;
    private readonly Lock _gate = new();
    private readonly Lock _updateGate = new();
    private GpioController? _controller;
    private ILedOutput? _mailOutput;
    private ILedOutput? _statusOutput;
    private LedMachine? _mailLed;
    private LedMachine? _statusLed;
    private ButtonGestures? _button;
    private int? _buttonPin;
    private string _buttonInput = "none";
    private bool _started;
    private string? _unavailable = "not started";
    private int _mailWriteFailed;
    private int _statusWriteFailed;

    public DeviceService(IOptions<DeviceOptions> options, DeviceSignals signals, TimeProvider time, ILogger<DeviceService> logger)
        : this(options.Value, signals, time, logger, DevicePaths.Default, createDriver: null)
    {
    }

    /// <param name="createDriver">Makes the driver (tests give a failing one); by default the one Device:Gpio:Driver names.</param>
    internal DeviceService(DeviceOptions options, DeviceSignals signals, TimeProvider time, ILogger logger, DevicePaths paths,
        Func<GpioOptions, GpioDriver>? createDriver)
    {
        _options = options;
        _signals = signals;
        _time = time;
        _logger = logger;
        _paths = paths;
        _createDriver = createDriver ?? GpioDrivers.Create;
        _board = new BoardReader(paths);
    }

    /// <summary>The in-memory driver when Device:Gpio:Driver is Virtual and it opened: tests (and a loopback test endpoint) press the button and read the LEDs' pins through it.</summary>
    public VirtualGpioDriver? VirtualDriver { get; private set; }

    /// <summary>
    /// Raised after the LEDs changed what they show, and on each delivery (the web page's status view follows it).
    /// Raised outside the device's locks, on the thread of the signal; a handler must be quick.
    /// </summary>
    public event EventHandler? StatusChanged;

    /// <summary>False until started, and when GPIO or a LED could not be opened.</summary>
    public bool Available
    {
        get
        {
            lock (_gate)
            {
                return _unavailable is null;
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_started)
            {
                return Task.CompletedTask;
            }
            _started = true;
            Open();
            _mailLed = new LedMachine(_mailOutput, _time, ex => OnWriteFailed(ref _mailWriteFailed, "Mail LED", _mailOutput, ex));
            _statusLed = new LedMachine(_statusOutput, _time, ex => OnWriteFailed(ref _statusWriteFailed, "Status LED", _statusOutput, ex));
        }

        _signals.Changed += Update;
        _signals.Delivery += OnDelivery;
        Update();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Close();
        return Task.CompletedTask;
    }

    public void Dispose() => Close();

    /// <summary>The device now, for <c>status</c>: reads the board's files on each call (cheap; nothing polls).</summary>
    public DeviceStatus GetStatus()
    {
        string? unavailable;
        LedMachine? mail, status;
        ButtonGestures? button;
        lock (_gate)
        {
            unavailable = _unavailable;
            mail = _mailLed;
            status = _statusLed;
            button = _button;
        }

        var (gesture, at) = button?.Last ?? (ButtonGesture.None, null);
        var throttling = _board.Throttling();
        return new DeviceStatus(
            _options.Gpio.Driver.ToString(),
            unavailable is null,
            unavailable,
            new LedStatus(mail?.PatternName ?? LedPatterns.Off.Name, _mailOutput?.Description ?? "none"),
            new LedStatus(status?.PatternName ?? LedPatterns.Off.Name, _statusOutput?.Description ?? "none"),
            new ButtonStatus(_buttonInput, GestureName(gesture), at),
            _board.Model(),
            _board.SocTemperatureCelsius(),
            throttling is { } flags ? BoardReader.Names(flags) : null,
            _signals.Snapshot().Attention);
    }

    private static string GestureName(ButtonGesture gesture) => gesture switch
    {
        ButtonGesture.Down => "down",
        ButtonGesture.ShortPress => "short-press",
        ButtonGesture.Held => "held",
        ButtonGesture.Released => "released",
        _ => "none",
    };

    /// <summary>Opens the driver, the LEDs and the button; on any failure closes what it opened and records why.</summary>
    private void Open()
    {
        var where = $"Device:Gpio:Driver {_options.Gpio.Driver}";
        try
        {
            var usesGpio = _options.MailLed.Pin is not null || _options.StatusLed.Pin is not null || _options.Button.Pin is not null;
            if (usesGpio || _options.Gpio.Driver == GpioDriverKind.Virtual)
            {
                if (_options.Gpio.Driver == GpioDriverKind.LibGpiod)
                {
                    where += $", chip {_options.Gpio.Chip}";
                }
                var driver = _createDriver(_options.Gpio);
                _controller = new GpioController(driver);
                VirtualDriver = driver as VirtualGpioDriver;
            }

            where = "Device:MailLed";
            _mailOutput = OpenLed(_options.MailLed, ref where);
            where = "Device:StatusLed";
            _statusOutput = OpenLed(_options.StatusLed, ref where);
            if (_options.Button.Pin is { } pin)
            {
                where = $"Device:Button:Pin {pin}";
                OpenButton(pin);
            }

            _unavailable = null;
            _logger.DeviceOpened(_options.Gpio.Driver.ToString(), _mailOutput?.Description ?? "none", _statusOutput?.Description ?? "none", _buttonInput);
        }
        // Whatever the driver throws (DllNotFoundException without libgpiod, IOException for a missing chip or a busy
        // line, UnauthorizedAccessException, PlatformNotSupportedException off Linux), mail goes on.
        catch (Exception ex)
        {
            _unavailable = $"{where}: {ex.Message}";
            _logger.DeviceUnavailable(_unavailable, ex);
            CloseOutputs();
        }
    }

    private ILedOutput? OpenLed(LedOptions led, ref string where)
    {
        if (led.Pin is { } pin)
        {
            where += $":Pin {pin}";
            return new GpioLedOutput(_controller!, pin, led.ActiveLow);
        }
        if (led.LedClass is { } name)
        {
            where += $":LedClass {name}";
            return new LedClassOutput(_paths.LedClassRoot, name);
        }
        return null;
    }

    private void OpenButton(int pin)
    {
        var controller = _controller!;
        var mode = PinMode.Input;
        if (_options.Button.PullUp)
        {
            if (controller.IsPinModeSupported(pin, PinMode.InputPullUp))
            {
                mode = PinMode.InputPullUp;
            }
            else
            {
                _logger.PullUpUnsupported(_options.Gpio.Driver.ToString(), pin);
            }
        }

        controller.OpenPin(pin, mode);
        _buttonPin = pin;
        _buttonInput = _options.Button.PullUp ? $"GPIO {pin} (pull-up, pressed = low)" : $"GPIO {pin} (pressed = high)";
        _button = new ButtonGestures(_time, TimeSpan.FromMilliseconds(_options.Button.DebounceMs), _options.Button.HoldForPairing);
        _button.ShortPress += OnShortPress;
        _button.Held += OnHeld;
        controller.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, OnButtonEdge);
    }

    private void OnButtonEdge(object sender, PinValueChangedEventArgs e)
    {
        var low = e.ChangeType == PinEventTypes.Falling;
        _button?.Edge(pressed: _options.Button.PullUp ? low : !low);
    }

    private void OnShortPress()
    {
        _logger.ShortPress();
        _signals.AcknowledgeMail();
    }

    private void OnHeld()
    {
        _logger.Held(_options.Button.HoldForPairing);
        _signals.RaiseButtonHeld();
    }

    private void OnDelivery()
    {
        _mailLed?.Play(LedPatterns.BlinkOnce);
        StatusChanged?.Invoke(this, EventArgs.Empty);
    }

    private void Update()
    {
        // One update at a time, so that an older snapshot never lands after a newer one.
        lock (_updateGate)
        {
            var snapshot = _signals.Snapshot();
            _mailLed?.Show(DevicePolicy.MailLed(snapshot));
            _statusLed?.Show(DevicePolicy.StatusLed(snapshot));
        }

        StatusChanged?.Invoke(this, EventArgs.Empty);
    }

    private void OnWriteFailed(ref int failed, string led, ILedOutput? output, Exception ex)
    {
        if (Interlocked.Exchange(ref failed, 1) == 0)
        {
            _logger.LedWriteFailed(led, output?.Description ?? "none", ex.Message);
        }
    }

    private void Close()
    {
        _signals.Changed -= Update;
        _signals.Delivery -= OnDelivery;
        lock (_gate)
        {
            _mailLed?.Dispose();
            _statusLed?.Dispose();
            CloseOutputs();
        }
    }

    private void CloseOutputs()
    {
        _button?.Dispose();
        _button = null;
        if (_buttonPin is { } pin && _controller is { } controller)
        {
            controller.UnregisterCallbackForPinValueChangedEvent(pin, OnButtonEdge);
        }
        _buttonPin = null;
        TryDispose(_mailOutput);
        TryDispose(_statusOutput);
        _mailOutput = null;
        _statusOutput = null;
        _controller?.Dispose();
        _controller = null;
        VirtualDriver = null;
    }

    private static void TryDispose(IDisposable? disposable)
    {
        try
        {
            disposable?.Dispose();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // Closing a LED that already failed: nothing more to say.
        }
    }
}
