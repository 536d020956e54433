using System.Globalization;

namespace EdgeMail.Device.Leds;

/// <summary>
/// A Linux LED class device (Documentation/leds/leds-class.rst): <c>trigger</c> is set to <c>none</c> once, so the
/// kernel (the Pi's ACT LED follows mmc0 by default) stops driving it, then on is <c>max_brightness</c> written to
/// <c>brightness</c> and off is <c>0</c>. A trigger that already reads <c>[none]</c> is left unwritten: the packaged
/// unit's root step sets it and hands only <c>brightness</c> to the service's group, and <c>trigger</c> stays
/// root's.
/// </summary>
internal sealed class LedClassOutput : ILedOutput
{
    private readonly string _name;
    private readonly string _brightness;
    private readonly string _on;
    private bool? _shown;

    /// <summary>Takes the LED from the kernel; throws IOException or UnauthorizedAccessException when it cannot.</summary>
    public LedClassOutput(string root, string name)
    {
        _name = name;
        var folder = Path.Combine(root, name);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder} does not exist");
        }

        _brightness = Path.Combine(folder, "brightness");
        var max = Path.Combine(folder, "max_brightness");
        // A device without max_brightness, or with 0 in it, is driven with 1 (the class's own minimum for "on").
        _on = File.Exists(max) && int.TryParse(File.ReadAllText(max).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var m) && m > 0
            ? m.ToString(CultureInfo.InvariantCulture)
            : "1";
        var trigger = Path.Combine(folder, "trigger");
        // The kernel lists every trigger and brackets the selected one: "[none] timer heartbeat mmc0".
        if (!File.ReadAllText(trigger).Contains("[none]", StringComparison.Ordinal))
        {
            File.WriteAllText(trigger, "none");
        }

        Set(false);
    }

    public string Description => $"LED class {_name}";

    public void Set(bool on)
    {
        if (_shown == on)
        {
            return;
        }

        // sysfs attributes take one write each; no temporary file and rename (that would replace the attribute).
        File.WriteAllText(_brightness, on ? _on : "0");
        _shown = on;
    }

    public void Dispose()
    {
        // The LED is left dark; the kernel's trigger is not restored (the service owns the LED while installed).
        try
        {
            Set(false);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
