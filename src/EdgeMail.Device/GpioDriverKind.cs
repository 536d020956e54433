namespace EdgeMail.Device;

/// <summary>Which System.Device.Gpio driver <c>Device:Gpio:Driver</c> selects.</summary>
public enum GpioDriverKind
{
    /// <summary>Pins in memory (<see cref="Gpio.VirtualGpioDriver"/>): laptops, tests, CI. The default anywhere but the appliance.</summary>
    Virtual,

    /// <summary>The character device through Debian's libgpiod (libgpiod2 or libgpiod3): the appliance's.</summary>
    LibGpiod,

    /// <summary>The deprecated /sys/class/gpio interface, for kernels without the character device.</summary>
    SysFs,
}
