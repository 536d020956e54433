namespace EdgeMail.Device;

/// <summary>One LED in the <see cref="DeviceStatus"/>.</summary>
/// <param name="Pattern"><c>off</c>, <c>on</c>, <c>slow-blink</c>, <c>fast-blink</c>, <c>double-blink</c>, <c>error</c> or <c>blink-once</c>.</param>
/// <param name="Output">Where it is wired (<c>GPIO 17</c>, <c>LED class ACT</c>), or <c>none</c>.</param>
public sealed record LedStatus(string Pattern, string Output);
