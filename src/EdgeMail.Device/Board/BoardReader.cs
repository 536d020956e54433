using System.Globalization;

namespace EdgeMail.Device.Board;

/// <summary>
/// The little we need of the board, read from Linux files on each call (no polling, no timer): its model, the SoC
/// temperature and the firmware's throttling flags. Each is null where the file is missing or unreadable (a laptop,
/// a container, a board without the Pi firmware). Iot.Device.Bindings has RaspberryPiBoard and CpuTemperature for
/// this, but it does not publish trim- and AOT-clean, and these are a few lines each.
/// </summary>
internal sealed class BoardReader(DevicePaths paths)
{
    private static readonly (ThrottleFlags Flag, string Name)[] ThrottleNames =
    [
        (ThrottleFlags.UnderVoltage, "under-voltage"),
        (ThrottleFlags.FrequencyCapped, "frequency-capped"),
        (ThrottleFlags.Throttled, "throttled"),
        (ThrottleFlags.SoftTemperatureLimit, "soft-temperature-limit"),
        (ThrottleFlags.UnderVoltageOccurred, "under-voltage-occurred"),
        (ThrottleFlags.FrequencyCappedOccurred, "frequency-capped-occurred"),
        (ThrottleFlags.ThrottledOccurred, "throttled-occurred"),
        (ThrottleFlags.SoftTemperatureLimitOccurred, "soft-temperature-limit-occurred"),
    ];

    /// <summary>"Raspberry Pi 4 Model B Rev 1.4", from the device tree, else from cpuinfo's Model line.</summary>
    public string? Model()
    {
        if (TryRead(paths.DeviceTreeModel) is { } model && model.TrimEnd('\0', '\n', ' ') is { Length: > 0 } trimmed)
        {
            return trimmed;
        }

        if (TryRead(paths.CpuInfo) is { } cpuinfo)
        {
            foreach (var line in cpuinfo.Split('\n'))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().SequenceEqual("Model") && line[(colon + 1)..].Trim() is { Length: > 0 } value)
                {
                    return value;
                }
            }
        }
        return null;
    }

    /// <summary>The SoC temperature in °C (the file holds millidegrees).</summary>
    public double? SocTemperatureCelsius() =>
        TryRead(paths.SocTemperature) is { } text
        && long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milli)
            ? milli / 1000.0
            : null;

    /// <summary>The throttling bitmask ("0x50005", or bare hex).</summary>
    public ThrottleFlags? Throttling()
    {
        if (TryRead(paths.Throttled)?.Trim() is not { Length: > 0 } text)
        {
            return null;
        }

        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)
            ? (ThrottleFlags)bits
            : null;
    }

    /// <summary>The names of the set bits, for the status (unknown bits are left out).</summary>
    public static string[] Names(ThrottleFlags flags) =>
        ThrottleNames.Where(n => (flags & n.Flag) != 0).Select(n => n.Name).ToArray();

    private static string? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
