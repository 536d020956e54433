using System.Device.Gpio;
using EdgeMail.Device.Gpio;
using EdgeMail.Device.Leds;

namespace EdgeMail.Device.Tests.Leds;

public sealed class GpioLedOutputTests
{
    [Fact]
    public void An_active_high_led_is_lit_by_a_high_pin()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        using var led = new GpioLedOutput(controller, 17, activeLow: false);

        Assert.Equal(PinMode.Output, driver.GetMode(17));
        Assert.Equal(PinValue.Low, driver.GetLevel(17));
        led.Set(true);
        Assert.Equal(PinValue.High, driver.GetLevel(17));
        Assert.Equal("GPIO 17", led.Description);
    }

    [Fact]
    public void An_active_low_led_starts_dark_with_the_pin_high_and_is_lit_by_low()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        using var led = new GpioLedOutput(controller, 27, activeLow: true);

        Assert.Equal(PinValue.High, driver.GetLevel(27));
        led.Set(true);
        Assert.Equal(PinValue.Low, driver.GetLevel(27));
        led.Set(false);
        Assert.Equal(PinValue.High, driver.GetLevel(27));
    }

    [Fact]
    public void Dispose_leaves_the_led_dark_and_the_pin_closed()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        var led = new GpioLedOutput(controller, 17, activeLow: false);
        led.Set(true);

        led.Dispose();

        Assert.Equal(PinValue.Low, driver.GetLevel(17));
        Assert.False(driver.IsOpen(17));
    }
}
