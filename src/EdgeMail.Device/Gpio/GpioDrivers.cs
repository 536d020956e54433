using System.Device.Gpio;
using System.Device.Gpio.Drivers;

namespace EdgeMail.Device.Gpio;

/// <summary>The drivers Device:Gpio:Driver names. Only DeviceService makes them, and always hands them to <c>new GpioController(driver)</c>.</summary>
internal static class GpioDrivers
{
    /// <summary>
    /// LibGpiod is System.Device.Gpio's LibGpiodDriver: the libgpiod 1.x API, libgpiod.so.2 (Debian 12's libgpiod2,
    /// Raspberry Pi OS bookworm). It opens the chip in its constructor, so a missing library or chip fails here.
    /// Not LibGpiodV2Driver (libgpiod 2.x, libgpiod.so.3): its edge events raise a trim warning under Native AOT
    /// (IL2091 in UnmanagedArray&lt;T&gt;), and so does SysFsDriver; the release build allows none.
    /// </summary>
    public static GpioDriver Create(GpioOptions options) => options.Driver switch
    {
        GpioDriverKind.Virtual => new VirtualGpioDriver(),
        GpioDriverKind.LibGpiod => OpenLibGpiod(options.Chip),
        // Validation refuses the rest before this.
        _ => throw new NotSupportedException($"Device:Gpio:Driver {options.Driver} is not available in this build"),
    };

    private static LibGpiodDriver OpenLibGpiod(int chip)
    {
        try
        {
            return new LibGpiodDriver(chip);
        }
        // 4.2 says only "Libgpiod driver not installed" when libgpiod.so.2 cannot be loaded.
        catch (PlatformNotSupportedException ex)
        {
            throw new PlatformNotSupportedException("libgpiod.so.2 cannot be loaded (apt-get install libgpiod2)", ex);
        }
    }
}
