using Microsoft.Extensions.Options;

namespace EdgeMail.Imap;

/// <summary>Source-generated validation of <see cref="ImapOptions"/> (no reflection, AOT-safe).</summary>
[OptionsValidator]
public sealed partial class ImapOptionsValidator : IValidateOptions<ImapOptions>
{
}
