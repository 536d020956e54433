using Microsoft.Extensions.Options;

namespace EdgeMail.Device;

/// <summary>Source-generated validation of <see cref="DeviceOptions"/>; the host registers it with <c>ValidateOnStart()</c>.</summary>
[OptionsValidator]
public sealed partial class DeviceOptionsValidator : IValidateOptions<DeviceOptions>;
