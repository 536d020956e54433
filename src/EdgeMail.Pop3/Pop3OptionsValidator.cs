using Microsoft.Extensions.Options;

namespace EdgeMail.Pop3;

/// <summary>
/// Source-generated (no reflection, AOT-safe) validation of <see cref="Pop3Options"/>; each failure names its key.
/// </summary>
[OptionsValidator]
public sealed partial class Pop3OptionsValidator : IValidateOptions<Pop3Options>
{
}
