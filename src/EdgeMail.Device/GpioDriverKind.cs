namespace EdgeMail.Device;

/// <summary>Which System.Device.Gpio driver <c>Device:Gpio:Driver</c> selects.</summary>
public enum GpioDriverKind
{
    /// <summary>Pins in memory (<see cref="Gpio.VirtualGpioDriver"/>): laptops, tests, CI. The default anywhere but the appliance.</summary>
    Virtual,

    /// <summary>The kernel's GPIO character device through Debian 12's libgpiod2 (libgpiod.so.2): the appliance's.</summary>
    LibGpiod,

    /// <summary>
    /// The deprecated /sys/class/gpio interface. Refused by validation in this build: System.Device.Gpio's SysFsDriver
    /// raises a trim warning under Native AOT.
    /// </summary>
    SysFs,
}
