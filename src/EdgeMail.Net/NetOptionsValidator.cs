using Microsoft.Extensions.Options;

namespace EdgeMail.Net;

/// <summary>
/// Source-generated (no reflection, AOT-safe) validation of <see cref="NetOptions"/>; the host registers it with
/// <c>ValidateOnStart()</c>.
/// </summary>
[OptionsValidator]
public sealed partial class NetOptionsValidator : IValidateOptions<NetOptions>
{
}
