using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Device;

/// <summary>The "Device" configuration section: the driver, the two LEDs and the button.</summary>
public sealed class DeviceOptions : IValidatableObject
{
    public const string SectionName = "Device";

    public GpioOptions Gpio { get; set; } = new();

    /// <summary>Lit while a watched INBOX holds unseen mail.</summary>
    public MailLedOptions MailLed { get; set; } = new();

    /// <summary>Shows health, attention, pairing and errors (see <see cref="DevicePolicy"/>).</summary>
    public LedOptions StatusLed { get; set; } = new();

    public ButtonOptions Button { get; set; } = new();

    // Every check is here, so that each message names its key, as NetOptions does; DeviceOptionsValidator
    // ([OptionsValidator]) calls this without reflection.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Gpio.Driver))
        {
            yield return Fail($"Device:Gpio:Driver must be Virtual or LibGpiod (is {Gpio.Driver}).", "Gpio");
        }
        else if (Gpio.Driver == GpioDriverKind.SysFs)
        {
            // System.Device.Gpio's SysFsDriver is not trim-clean under Native AOT (IL2091), and the release allows no
            // trim warning. The sysfs GPIO interface is deprecated in the kernel anyway; every Pi kernel has the character device.
            yield return Fail("Device:Gpio:Driver SysFs is not available in this build (its driver is not AOT-clean); use LibGpiod, the kernel's GPIO character device.", "Gpio");
        }
        if (Gpio.Chip is < 0 or > 63)
        {
            yield return Fail($"Device:Gpio:Chip must be between 0 and 63 (is {Gpio.Chip}).", "Gpio");
        }

        foreach (var problem in CheckLed("Device:MailLed", MailLed).Concat(CheckLed("Device:StatusLed", StatusLed)))
        {
            yield return Fail(problem, "Led");
        }
        for (var i = 0; i < MailLed.Accounts.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(MailLed.Accounts[i]) || !MailLed.Accounts[i].Contains('@', StringComparison.Ordinal))
            {
                yield return Fail($"Device:MailLed:Accounts:{i}: '{MailLed.Accounts[i]}' is not an account address.", nameof(MailLed));
            }
        }

        if (Button.Pin is { } buttonPin && !IsPinNumber(buttonPin))
        {
            yield return Fail($"Device:Button:Pin must be a GPIO number between 0 and {MaxPin} (is {buttonPin}).", nameof(Button));
        }
        if (Button.DebounceMs is < 0 or > 1000)
        {
            yield return Fail($"Device:Button:DebounceMs must be between 0 and 1000 (is {Button.DebounceMs}).", nameof(Button));
        }
        if (Button.HoldForPairing < TimeSpan.FromSeconds(1) || Button.HoldForPairing > TimeSpan.FromMinutes(1))
        {
            yield return Fail($"Device:Button:HoldForPairing must be between 00:00:01 and 00:01:00 (is {Button.HoldForPairing}).", nameof(Button));
        }

        var used = new Dictionary<int, string>();
        foreach (var (key, pin) in new[] { ("Device:MailLed:Pin", MailLed.Pin), ("Device:StatusLed:Pin", StatusLed.Pin), ("Device:Button:Pin", Button.Pin) })
        {
            if (pin is not { } p)
            {
                continue;
            }
            if (used.TryGetValue(p, out var other))
            {
                yield return Fail($"{key}: GPIO {p} is already {other}.", nameof(Gpio));
            }
            else
            {
                used[p] = key;
            }
        }

        if (MailLed.LedClass is not null && StatusLed.LedClass is not null
            && string.Equals(MailLed.LedClass, StatusLed.LedClass, StringComparison.Ordinal))
        {
            yield return Fail($"Device:StatusLed:LedClass: '{StatusLed.LedClass}' is already Device:MailLed:LedClass.", nameof(StatusLed));
        }

        static ValidationResult Fail(string message, string member) => new(message, [member]);
    }

    /// <summary>Highest GPIO number accepted: well above any Pi's (the Pi 5's RP1 has 54 on gpiochip0 of its 4 chips).</summary>
    internal const int MaxPin = 1023;

    private static bool IsPinNumber(int pin) => pin is >= 0 and <= MaxPin;

    private static IEnumerable<string> CheckLed(string key, LedOptions led)
    {
        if (led.Pin is { } pin && !IsPinNumber(pin))
        {
            yield return $"{key}:Pin must be a GPIO number between 0 and {MaxPin} (is {pin}).";
        }
        if (led.LedClass is { } name)
        {
            if (led.Pin is not null)
            {
                yield return $"{key}: set Pin or LedClass, not both (Pin is {led.Pin}, LedClass is '{name}').";
            }
            // The name becomes a path under /sys/class/leds: one plain folder name, nothing that climbs out of it.
            if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0 || name.Trim().Length != name.Length)
            {
                yield return $"{key}:LedClass: '{name}' is not a LED class name (a folder of /sys/class/leds, such as ACT or led0).";
            }
        }
        if (led.ActiveLow && led.Pin is null)
        {
            yield return $"{key}:ActiveLow applies to a Pin, and {key}:Pin is not set.";
        }
    }
}
