using System.Device.Gpio;
using EdgeMail.Device.Gpio;

namespace EdgeMail.Device.Tests.Gpio;

public sealed class VirtualGpioDriverTests
{
    [Fact]
    public void An_output_pin_shows_what_was_written()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        var seen = new List<(int, PinValue)>();
        driver.LevelChanged += (pin, level) => seen.Add((pin, level));

        controller.OpenPin(17, PinMode.Output, PinValue.Low);
        controller.Write(17, PinValue.High);
        controller.Write(17, PinValue.High);

        Assert.Equal(PinValue.High, driver.GetLevel(17));
        Assert.Equal(PinMode.Output, driver.GetMode(17));
        Assert.Equal([(17, PinValue.High)], seen);
        Assert.Equal(PinValue.High, controller.Read(17));
    }

    [Fact]
    public void An_injected_edge_raises_the_registered_callbacks_and_is_read_back()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(22, PinMode.InputPullUp);
        var edges = new List<PinEventTypes>();
        controller.RegisterCallbackForPinValueChangedEvent(22, PinEventTypes.Falling | PinEventTypes.Rising, (_, e) => edges.Add(e.ChangeType));
        var fallingOnly = 0;
        controller.RegisterCallbackForPinValueChangedEvent(22, PinEventTypes.Falling, (_, _) => fallingOnly++);

        Assert.Equal(PinValue.High, controller.Read(22)); // the pull-up holds an idle input high
        driver.SetInput(22, PinValue.Low);
        Assert.Equal(PinValue.Low, controller.Read(22));
        driver.SetInput(22, PinValue.Low); // no change, no edge
        driver.SetInput(22, PinValue.High);

        Assert.Equal([PinEventTypes.Falling, PinEventTypes.Rising], edges);
        Assert.Equal(1, fallingOnly);
    }

    [Fact]
    public async Task WaitForEvent_returns_at_the_next_matching_edge()
    {
        var driver = new VirtualGpioDriver();
        using var controller = new GpioController(driver);
        controller.OpenPin(5, PinMode.Input);

        var waiting = controller.WaitForEventAsync(5, PinEventTypes.Rising, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        driver.SetInput(5, PinValue.High);

        var result = await waiting;
        Assert.Equal(PinEventTypes.Rising, result.EventTypes);
        Assert.False(result.TimedOut);
    }

    [Fact]
    public void FailOpen_makes_opening_a_pin_throw_and_an_open_pin_is_busy()
    {
        var driver = new VirtualGpioDriver { FailOpen = new UnauthorizedAccessException("/dev/gpiochip0: permission denied") };
        using var controller = new GpioController(driver);

        var failure = Assert.Throws<UnauthorizedAccessException>(() => controller.OpenPin(17, PinMode.Output));
        Assert.Contains("permission denied", failure.Message, StringComparison.Ordinal);

        driver.FailOpen = null;
        controller.OpenPin(17, PinMode.Output);
        Assert.True(driver.IsOpen(17));
        Assert.Throws<ArgumentOutOfRangeException>(() => driver.GetLevel(54));
    }
}
