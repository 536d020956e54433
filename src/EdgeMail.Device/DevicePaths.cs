namespace EdgeMail.Device;

/// <summary>
/// Where the Linux files the device layer reads and writes live. Everything hangs off one root ("/" on the
/// appliance) so that tests lay out a temporary directory the same way.
/// </summary>
public sealed class DevicePaths
{
    public DevicePaths(string root = "/")
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = root;
    }

    public static DevicePaths Default { get; } = new();

    public string Root { get; }

    /// <summary>The board's name as the firmware's device tree gives it, NUL-terminated.</summary>
    public string DeviceTreeModel => Path.Combine(Root, "proc/device-tree/model");

    /// <summary>Older kernels and non-device-tree boards: a "Model" line.</summary>
    public string CpuInfo => Path.Combine(Root, "proc/cpuinfo");

    /// <summary>The SoC's temperature in millidegrees Celsius (thermal zone 0 is the SoC on every Pi).</summary>
    public string SocTemperature => Path.Combine(Root, "sys/class/thermal/thermal_zone0/temp");

    /// <summary>The firmware's throttling bitmask in hex (raspberrypi-hwmon / the firmware driver).</summary>
    public string Throttled => Path.Combine(Root, "sys/devices/platform/soc/soc:firmware/get_throttled");

    /// <summary>The Linux LED class: one folder per LED, with brightness, max_brightness and trigger.</summary>
    public string LedClassRoot => Path.Combine(Root, "sys/class/leds");
}
