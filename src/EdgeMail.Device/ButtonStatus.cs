namespace EdgeMail.Device;

/// <summary>The button in the <see cref="DeviceStatus"/>.</summary>
/// <param name="Input">Where it is wired (<c>GPIO 22 (pull-up)</c>), or <c>none</c>.</param>
/// <param name="LastEvent"><c>none</c>, <c>down</c>, <c>short-press</c>, <c>held</c> or <c>released</c> (after a hold).</param>
/// <param name="LastEventAt">When, by the service's clock.</param>
public sealed record ButtonStatus(string Input, string LastEvent, DateTimeOffset? LastEventAt);
