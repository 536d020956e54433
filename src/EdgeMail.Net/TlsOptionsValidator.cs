using Microsoft.Extensions.Options;

namespace EdgeMail.Net;

/// <summary>Source-generated validation of <see cref="TlsOptions"/>; the host registers it with <c>ValidateOnStart()</c>.</summary>
[OptionsValidator]
public sealed partial class TlsOptionsValidator : IValidateOptions<TlsOptions>
{
}
