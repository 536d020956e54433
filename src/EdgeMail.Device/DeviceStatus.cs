namespace EdgeMail.Device;

/// <summary>The device for <c>edgemail status</c> and <c>status --json</c>: plain values, ready for source-generated JSON.</summary>
/// <param name="Driver">Device:Gpio:Driver (<c>Virtual</c> or <c>LibGpiod</c>).</param>
/// <param name="Available">False when GPIO or a LED could not be opened; mail flows regardless.</param>
/// <param name="UnavailableReason">Why not, naming the key and what the system said.</param>
/// <param name="SocTemperatureCelsius">Null where the board does not say.</param>
/// <param name="Throttling">The firmware's throttling flags now and since boot (<c>under-voltage</c>, ...; empty: none), null where unknown.</param>
/// <param name="Attention">The attention reasons set now.</param>
public sealed record DeviceStatus(
    string Driver,
    bool Available,
    string? UnavailableReason,
    LedStatus MailLed,
    LedStatus StatusLed,
    ButtonStatus Button,
    string? BoardModel,
    double? SocTemperatureCelsius,
    IReadOnlyList<string>? Throttling,
    IReadOnlyList<string> Attention);
