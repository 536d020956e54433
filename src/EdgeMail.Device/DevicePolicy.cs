using EdgeMail.Device.Leds;

namespace EdgeMail.Device;

/// <summary>
/// What each LED shows, in one place; the README's table repeats <see cref="StatusRules"/> row for row (a test
/// checks that it does).
/// </summary>
internal static class DevicePolicy
{
    /// <summary>The status LED's rules, highest priority first: the first that applies wins.</summary>
    public static IReadOnlyList<(string When, LedPattern Pattern, Func<DeviceSignalsSnapshot, bool> Applies)> StatusRules { get; } =
    [
        ("the store failed, or free disk is below the minimum", LedPatterns.Error, s => s.StoreFailure is not null || s.DiskLow),
        ("a pairing window is open", LedPatterns.FastBlink, s => s.PairingOpen),
        ("no account yet (first boot)", LedPatterns.DoubleBlink, s => s.NoAccountYet),
        ("attention: deferred mail in the relay queue, upstream unreachable, a fetch account failing", LedPatterns.SlowBlink, s => s.Attention.Count > 0),
        ("healthy", LedPatterns.On, _ => true),
    ];

    public static LedPattern StatusLed(DeviceSignalsSnapshot signals) => StatusRules.First(r => r.Applies(signals)).Pattern;

    /// <summary>
    /// On while a watched INBOX holds unseen mail, until a short press acknowledges it; the next delivery (which also
    /// blinks it once, <see cref="LedPatterns.BlinkOnce"/>) ends the acknowledgement.
    /// </summary>
    public static LedPattern MailLed(DeviceSignalsSnapshot signals) =>
        signals.UnseenTotal > 0 && !signals.MailAcknowledged ? LedPatterns.On : LedPatterns.Off;
}
