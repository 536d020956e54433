using System.Device.Gpio;

namespace EdgeMail.Device.Leds;

/// <summary>An LED on a GPIO pin, through the one <see cref="GpioController"/>; active-low inverts the level.</summary>
internal sealed class GpioLedOutput : ILedOutput
{
    private readonly GpioController _controller;
    private readonly int _pin;
    private readonly bool _activeLow;

    /// <summary>Opens the pin as an output showing off; throws what the driver throws (busy pin, no permission).</summary>
    public GpioLedOutput(GpioController controller, int pin, bool activeLow)
    {
        _controller = controller;
        _pin = pin;
        _activeLow = activeLow;
        controller.OpenPin(pin, PinMode.Output, Level(false));
    }

    public string Description => _activeLow ? $"GPIO {_pin} (active low)" : $"GPIO {_pin}";

    public void Set(bool on) => _controller.Write(_pin, Level(on));

    private PinValue Level(bool on) => on != _activeLow ? PinValue.High : PinValue.Low;

    public void Dispose()
    {
        if (_controller.IsPinOpen(_pin))
        {
            _controller.Write(_pin, Level(false));
            _controller.ClosePin(_pin);
        }
    }
}
