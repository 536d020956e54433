using System.Device.Gpio;
using EdgeMail.Device.Gpio;
using EdgeMail.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Device.Tests;

public sealed class DeviceServiceTests : IDisposable
{
    private const int MailPin = 17;
    private const int StatusPin = 27;
    private const int ButtonPin = 22;

    private readonly ManualTimeProvider _clock = new();
    private readonly CollectingLoggerFactory _logs = new();
    private readonly DeviceSignals _signals = new();
    private readonly TempFolder _root = new();
    private readonly List<DeviceService> _services = [];

    public void Dispose()
    {
        _services.ForEach(s => s.Dispose());
        _root.Dispose();
    }

    private static DeviceOptions Wired() => new()
    {
        MailLed = { Pin = MailPin },
        StatusLed = { Pin = StatusPin },
        Button = { Pin = ButtonPin, PullUp = true },
    };

    private DeviceService Start(DeviceOptions? options = null, Func<GpioOptions, GpioDriver>? createDriver = null)
    {
        var service = new DeviceService(options ?? Wired(), _signals, _clock, _logs.CreateLogger("device"), new DevicePaths(_root.Path), createDriver);
        _services.Add(service);
        service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return service;
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static bool Lit(VirtualGpioDriver driver, int pin) => driver.GetLevel(pin) == PinValue.High;

    [Fact]
    public void A_healthy_box_with_no_mail_shows_a_steady_status_led_and_sets_no_timer()
    {
        var device = Start();
        var pins = device.VirtualDriver!;

        Assert.True(device.Available);
        Assert.True(Lit(pins, StatusPin));
        Assert.False(Lit(pins, MailPin));
        Assert.Equal(0, _clock.PendingTimers);
        var status = device.GetStatus();
        Assert.Equal(("on", "GPIO 27"), (status.StatusLed.Pattern, status.StatusLed.Output));
        Assert.Equal(("off", "GPIO 17"), (status.MailLed.Pattern, status.MailLed.Output));
        Assert.Equal("Virtual", status.Driver);
        Assert.Equal("none", status.Button.LastEvent);
    }

    [Fact]
    public void A_delivery_blinks_the_mail_led_once_then_it_stays_on_while_mail_is_unseen()
    {
        var device = Start();
        var pins = device.VirtualDriver!;
        var edges = new List<(TimeSpan At, PinValue Level)>();
        var t0 = _clock.GetUtcNow();
        pins.LevelChanged += (pin, level) =>
        {
            if (pin == MailPin)
            {
                edges.Add((_clock.GetUtcNow() - t0, level));
            }
        };

        _signals.Delivered("alice@edgemail.local");
        _signals.SetUnseen("alice@edgemail.local", 1);
        Assert.Equal("blink-once", device.GetStatus().MailLed.Pattern);
        _clock.Advance(Ms(150));
        _clock.Advance(Ms(150));

        Assert.Equal([(TimeSpan.Zero, PinValue.High), (Ms(150), PinValue.Low), (Ms(300), PinValue.High)], edges);
        Assert.Equal("on", device.GetStatus().MailLed.Pattern);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void The_mail_led_goes_off_once_everything_is_read()
    {
        var device = Start();
        _signals.SetUnseen("alice@edgemail.local", 2);
        _signals.SetUnseen("bob@edgemail.local", 1);
        Assert.True(Lit(device.VirtualDriver!, MailPin));

        _signals.SetUnseen("alice@edgemail.local", 0);
        Assert.True(Lit(device.VirtualDriver!, MailPin));
        _signals.SetUnseen("bob@edgemail.local", 0);

        Assert.False(Lit(device.VirtualDriver!, MailPin));
        Assert.Equal("off", device.GetStatus().MailLed.Pattern);
    }

    [Fact]
    public void A_short_press_acknowledges_the_mail_led_until_the_next_delivery()
    {
        var device = Start();
        var pins = device.VirtualDriver!;
        var acknowledged = 0;
        _signals.MailAcknowledged += (_, _) => acknowledged++;
        _signals.SetUnseen("alice@edgemail.local", 1);

        pins.SetInput(ButtonPin, PinValue.Low); // pressed: the pull-up's pin goes low
        _clock.Advance(Ms(200));
        pins.SetInput(ButtonPin, PinValue.High);

        Assert.Equal(1, acknowledged);
        Assert.False(Lit(pins, MailPin));
        Assert.Equal("short-press", device.GetStatus().Button.LastEvent);
        Assert.Equal(_clock.GetUtcNow(), device.GetStatus().Button.LastEventAt);
        _signals.SetUnseen("alice@edgemail.local", 2); // read elsewhere, or more unseen: still acknowledged
        Assert.False(Lit(pins, MailPin));

        _signals.Delivered("alice@edgemail.local");
        _clock.Advance(Ms(150));
        _clock.Advance(Ms(150));
        Assert.True(Lit(pins, MailPin));
    }

    [Fact]
    public void Holding_the_button_raises_ButtonHeld_at_exactly_the_hold_time()
    {
        var device = Start();
        var pins = device.VirtualDriver!;
        var held = new List<DateTimeOffset>();
        _signals.ButtonHeld += (_, _) => held.Add(_clock.GetUtcNow());
        var pressedAt = _clock.GetUtcNow();

        pins.SetInput(ButtonPin, PinValue.Low);
        _clock.Advance(TimeSpan.FromSeconds(3) - TimeSpan.FromTicks(1));
        Assert.Empty(held);
        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([pressedAt + TimeSpan.FromSeconds(3)], held);
        Assert.Equal("held", device.GetStatus().Button.LastEvent);
        pins.SetInput(ButtonPin, PinValue.High);
        Assert.Single(held);
        Assert.Equal("released", device.GetStatus().Button.LastEvent);
    }

    [Fact]
    public void Contact_bounce_on_the_pin_is_not_a_press()
    {
        var device = Start();
        var pins = device.VirtualDriver!;
        var acknowledged = 0;
        _signals.MailAcknowledged += (_, _) => acknowledged++;

        pins.SetInput(ButtonPin, PinValue.Low);
        _clock.Advance(Ms(3));
        pins.SetInput(ButtonPin, PinValue.High);
        _clock.Advance(Ms(3));
        pins.SetInput(ButtonPin, PinValue.Low);
        _clock.Advance(Ms(1000));

        Assert.Equal(0, acknowledged);
        Assert.Equal("down", device.GetStatus().Button.LastEvent);
    }

    [Fact]
    public void Error_beats_pairing_on_the_status_led_and_pairing_shows_again_once_the_error_clears()
    {
        var device = Start();

        _signals.SetPairingOpen(true);
        Assert.Equal("fast-blink", device.GetStatus().StatusLed.Pattern);
        _signals.SetStoreFailure("disk I/O error");
        Assert.Equal("error", device.GetStatus().StatusLed.Pattern);
        _signals.SetStoreFailure(null);
        Assert.Equal("fast-blink", device.GetStatus().StatusLed.Pattern);
        _signals.SetPairingOpen(false);
        _signals.SetNoAccountYet(true);
        Assert.Equal("double-blink", device.GetStatus().StatusLed.Pattern);
        _signals.SetNoAccountYet(false);
        _signals.SetAttention(AttentionReasons.UpstreamUnreachable, true);
        Assert.Equal("slow-blink", device.GetStatus().StatusLed.Pattern);
        Assert.Equal([AttentionReasons.UpstreamUnreachable], device.GetStatus().Attention);
        _signals.SetAttention(AttentionReasons.UpstreamUnreachable, false);

        Assert.Equal("on", device.GetStatus().StatusLed.Pattern);
        Assert.True(Lit(device.VirtualDriver!, StatusPin));
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void The_fast_blink_of_pairing_is_seen_on_the_pin()
    {
        var device = Start();
        _signals.SetDiskLow(false);

        _signals.SetPairingOpen(true);

        var pins = device.VirtualDriver!;
        Assert.True(Lit(pins, StatusPin));
        _clock.Advance(Ms(125));
        Assert.False(Lit(pins, StatusPin));
        _clock.Advance(Ms(125));
        Assert.True(Lit(pins, StatusPin));
        Assert.Equal(1, _clock.PendingTimers);
    }

    [Fact]
    public void When_a_pin_cannot_be_opened_the_service_starts_unavailable_with_the_reason_logged_once()
    {
        var driver = new VirtualGpioDriver { FailOpen = new IOException("Device or resource busy") };

        var device = Start(createDriver: _ => driver);
        _signals.Delivered("alice@edgemail.local");
        _signals.SetUnseen("alice@edgemail.local", 1);
        _signals.SetPairingOpen(true);

        var status = device.GetStatus();
        Assert.False(device.Available);
        Assert.False(status.Available);
        Assert.Equal("Device:MailLed:Pin 17: Device or resource busy", status.UnavailableReason);
        Assert.Equal("fast-blink", status.StatusLed.Pattern); // what it would show, for the status
        Assert.Equal("none", status.StatusLed.Output);
        Assert.Null(device.VirtualDriver);
        var warning = Assert.Single(_logs.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Contains("Device:MailLed:Pin 17: Device or resource busy", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void When_the_driver_cannot_be_made_the_reason_names_the_driver_and_chip()
    {
        var options = Wired();
        options.Gpio.Driver = GpioDriverKind.LibGpiod;
        options.Gpio.Chip = 4;

        var device = Start(options, _ => throw new DllNotFoundException("Unable to load shared library 'libgpiod.so.2'"));

        Assert.Equal("Device:Gpio:Driver LibGpiod, chip 4: Unable to load shared library 'libgpiod.so.2'", device.GetStatus().UnavailableReason);
        device.Dispose();
        Assert.Null(device.VirtualDriver);
    }

    [Fact]
    public void The_real_LibGpiod_driver_on_a_machine_without_gpio_starts_unavailable_without_throwing()
    {
        var options = Wired();
        options.Gpio.Driver = GpioDriverKind.LibGpiod;

        var device = Start(options);

        var status = device.GetStatus();
        if (!File.Exists("/dev/gpiochip0"))
        {
            Assert.False(status.Available);
            Assert.StartsWith("Device:Gpio:Driver LibGpiod, chip 0: ", status.UnavailableReason, StringComparison.Ordinal);
        }
        Assert.Equal("on", status.StatusLed.Pattern);
    }

    [Fact]
    public void A_led_class_device_is_driven_through_its_files()
    {
        var led = Path.Combine(_root.Path, "sys/class/leds/ACT");
        Directory.CreateDirectory(led);
        File.WriteAllText(Path.Combine(led, "trigger"), "[mmc0]");
        File.WriteAllText(Path.Combine(led, "max_brightness"), "1");
        File.WriteAllText(Path.Combine(led, "brightness"), "0");
        var options = new DeviceOptions { StatusLed = { LedClass = "ACT" } };

        var device = Start(options);

        Assert.True(device.Available);
        Assert.Equal("none", File.ReadAllText(Path.Combine(led, "trigger")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(led, "brightness")));
        Assert.Equal("LED class ACT", device.GetStatus().StatusLed.Output);
        _signals.SetStoreFailure("gone");
        Assert.Equal("1", File.ReadAllText(Path.Combine(led, "brightness")));
        _clock.Advance(Ms(125));
        Assert.Equal("0", File.ReadAllText(Path.Combine(led, "brightness")));
    }

    [Fact]
    public void A_missing_led_class_device_makes_the_device_unavailable_naming_the_key()
    {
        var device = Start(new DeviceOptions { MailLed = { LedClass = "led0" } });

        Assert.False(device.Available);
        Assert.StartsWith("Device:MailLed:LedClass led0: ", device.GetStatus().UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_carries_the_board_model_temperature_and_throttling()
    {
        Directory.CreateDirectory(Path.Combine(_root.Path, "proc/device-tree"));
        File.WriteAllText(Path.Combine(_root.Path, "proc/device-tree/model"), "Raspberry Pi 5 Model B Rev 1.0\0");
        Directory.CreateDirectory(Path.Combine(_root.Path, "sys/class/thermal/thermal_zone0"));
        File.WriteAllText(Path.Combine(_root.Path, "sys/class/thermal/thermal_zone0/temp"), "71500\n");
        Directory.CreateDirectory(Path.Combine(_root.Path, "sys/devices/platform/soc/soc:firmware"));
        File.WriteAllText(Path.Combine(_root.Path, "sys/devices/platform/soc/soc:firmware/get_throttled"), "0x80008\n");

        var status = Start().GetStatus();

        Assert.Equal("Raspberry Pi 5 Model B Rev 1.0", status.BoardModel);
        Assert.Equal(71.5, status.SocTemperatureCelsius);
        Assert.Equal(["soft-temperature-limit", "soft-temperature-limit-occurred"], status.Throttling);
    }

    [Fact]
    public async Task Stopping_darkens_the_leds_closes_the_pins_and_leaves_no_timer()
    {
        var device = Start();
        var pins = device.VirtualDriver!;
        _signals.SetUnseen("alice@edgemail.local", 1);
        _signals.SetPairingOpen(true);

        await device.StopAsync(CancellationToken.None);

        Assert.Equal(0, _clock.PendingTimers);
        Assert.False(pins.IsOpen(MailPin));
        Assert.False(pins.IsOpen(StatusPin));
        Assert.False(pins.IsOpen(ButtonPin));
        _signals.SetStoreFailure("after stop"); // no longer listened to
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void AddDevice_registers_one_service_as_singleton_and_hosted_service()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_clock)
            .AddDevice(Wired());
        using var provider = services.BuildServiceProvider();

        var device = provider.GetRequiredService<DeviceService>();

        Assert.Same(device, Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Same(provider.GetRequiredService<DeviceSignals>(), provider.GetRequiredService<DeviceSignals>());
        Assert.False(device.Available); // not started
        Assert.Equal("not started", device.GetStatus().UnavailableReason);
    }
}
