using Microsoft.Extensions.Configuration;

namespace EdgeMail.Device.Tests;

public sealed class FirmwareConfigTests
{
    [Fact]
    public void The_appliance_wiring_in_firmware_config_binds_and_validates()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "firmware-config", "edgemail.json"), optional: false)
            .Build();

        var options = configuration.GetSection(DeviceOptions.SectionName).Get<DeviceOptions>(o => o.ErrorOnUnknownConfiguration = true);

        Assert.NotNull(options);
        Assert.True(new DeviceOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(GpioDriverKind.LibGpiod, options.Gpio.Driver);
        Assert.Equal(17, options.MailLed.Pin);
        Assert.Equal(27, options.StatusLed.Pin);
        Assert.Equal(22, options.Button.Pin);
        Assert.True(options.Button.PullUp);
    }
}
