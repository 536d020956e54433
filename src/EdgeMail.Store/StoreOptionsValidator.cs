using Microsoft.Extensions.Options;

namespace EdgeMail.Store;

/// <summary>Source-generated validation of <see cref="StoreOptions"/> (no reflection).</summary>
[OptionsValidator]
public sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;
