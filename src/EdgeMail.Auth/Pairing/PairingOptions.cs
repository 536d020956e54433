namespace EdgeMail.Auth.Pairing;

/// <summary>The pairing window, bound from <c>Device:Pairing</c> (the rest of <c>Device</c> is the device layer's).</summary>
public sealed class PairingOptions
{
    public const string SectionName = "Device:Pairing";

    /// <summary>
    /// How long a window stays open after the button's hold or <c>edgemail pair</c>: 120 s, long enough to type an
    /// address and a password on a phone, short enough that a forgotten window closes by itself (the figure).
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The first problem, as one line naming its key, or null.</summary>
    public static string? FirstProblem(PairingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Window < TimeSpan.FromSeconds(10) || options.Window > TimeSpan.FromHours(1)
            ? $"{SectionName}:{nameof(Window)} must be between 00:00:10 and 01:00:00 (is {options.Window})"
            : null;
    }
}
