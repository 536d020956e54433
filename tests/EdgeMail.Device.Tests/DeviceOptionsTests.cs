using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EdgeMail.Device.Tests;

public sealed class DeviceOptionsTests
{
    [Fact]
    public void Defaults_are_valid_virtual_and_wire_nothing()
    {
        var options = new DeviceOptions();

        Assert.True(new DeviceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(GpioDriverKind.Virtual, options.Gpio.Driver);
        Assert.Equal(0, options.Gpio.Chip);
        Assert.Null(options.MailLed.Pin);
        Assert.Null(options.StatusLed.Pin);
        Assert.Null(options.Button.Pin);
        Assert.True(options.Button.PullUp);
        Assert.Equal(50, options.Button.DebounceMs);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Button.HoldForPairing);
        Assert.Empty(options.MailLed.Accounts);
    }

    [Theory]
    [InlineData("Device:Gpio:Driver")]
    [InlineData("Device:Gpio:Driver SysFs is not available")]
    [InlineData("Device:Gpio:Chip")]
    [InlineData("Device:MailLed:Pin")]
    [InlineData("Device:StatusLed:LedClass")]
    [InlineData("Device:StatusLed:ActiveLow")]
    [InlineData("Device:MailLed: set Pin or LedClass")]
    [InlineData("Device:MailLed:Accounts:0")]
    [InlineData("Device:Button:Pin")]
    [InlineData("Device:Button:DebounceMs")]
    [InlineData("Device:Button:HoldForPairing")]
    [InlineData("Device:StatusLed:Pin: GPIO 17 is already Device:MailLed:Pin")]
    public void A_bad_value_fails_validation_naming_the_key(string key)
    {
        var options = new DeviceOptions();
        switch (key)
        {
            case "Device:Gpio:Driver": options.Gpio.Driver = (GpioDriverKind)7; break;
            case "Device:Gpio:Driver SysFs is not available": options.Gpio.Driver = GpioDriverKind.SysFs; break;
            case "Device:Gpio:Chip": options.Gpio.Chip = -1; break;
            case "Device:MailLed:Pin": options.MailLed.Pin = -3; break;
            case "Device:StatusLed:LedClass": options.StatusLed.LedClass = "../../../etc"; break;
            case "Device:StatusLed:ActiveLow": options.StatusLed.ActiveLow = true; break;
            case "Device:MailLed: set Pin or LedClass": options.MailLed.Pin = 17; options.MailLed.LedClass = "ACT"; break;
            case "Device:MailLed:Accounts:0": options.MailLed.Accounts = [""]; break;
            case "Device:Button:Pin": options.Button.Pin = 5000; break;
            case "Device:Button:DebounceMs": options.Button.DebounceMs = -1; break;
            case "Device:Button:HoldForPairing": options.Button.HoldForPairing = TimeSpan.FromMilliseconds(100); break;
            default: options.MailLed.Pin = 17; options.StatusLed.Pin = 17; break;
        }

        var result = new DeviceOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_plugs_into_options_validation()
    {
        IValidateOptions<DeviceOptions> validator = new DeviceOptionsValidator();

        var result = validator.Validate(Options.DefaultName, new DeviceOptions { Button = { DebounceMs = 5000 } });

        Assert.Contains(result.Failures!, f => f.EndsWith("Device:Button:DebounceMs must be between 0 and 1000 (is 5000).", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pin_left_out_or_null_is_none_and_a_led_class_name_binds()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Device:MailLed:LedClass"] = "ACT",
                ["Device:StatusLed:Pin"] = null,
                ["Device:MailLed:Accounts:0"] = "alice@edgemail.local",
            })
            .Build();

        var options = configuration.GetSection(DeviceOptions.SectionName).Get<DeviceOptions>()!;

        Assert.Equal("ACT", options.MailLed.LedClass);
        Assert.Null(options.MailLed.Pin);
        Assert.Null(options.StatusLed.Pin);
        Assert.Equal(["alice@edgemail.local"], options.MailLed.Accounts);
        Assert.True(new DeviceOptionsValidator().Validate(null, options).Succeeded);
    }
}
