namespace EdgeMail.Device;

/// <summary>The "Device:Gpio" section: which driver, which chip.</summary>
public sealed class GpioOptions
{
    /// <summary>Virtual unless configured: a machine that is not the appliance must not touch real pins.</summary>
    public GpioDriverKind Driver { get; set; } = GpioDriverKind.Virtual;

    /// <summary>The GPIO chip for LibGpiod (/dev/gpiochip0 carries the 40-pin header on every Raspberry Pi, the Pi 5 included since its kernel 6.6).</summary>
    public int Chip { get; set; }
}
