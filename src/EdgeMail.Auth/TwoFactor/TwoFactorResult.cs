using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.TwoFactor;

/// <summary>
/// The answer of <see cref="TwoFactorService"/>, never an exception for what a user can get wrong. On
/// <see cref="TwoFactorOutcome.Pending"/>: <see cref="Secret"/> (base32, to type in) and <see cref="Uri"/> (the
/// otpauth:// URI to show as a QR code). On <see cref="TwoFactorOutcome.Enabled"/>: <see cref="RecoveryCodes"/>, shown
/// once (only their hashes are kept). <see cref="Reason"/> is one sentence for the user in every case.
/// </summary>
public sealed record TwoFactorResult(TwoFactorOutcome Outcome, string Reason, Account Account, string? Secret = null, string? Uri = null, IReadOnlyList<string>? RecoveryCodes = null)
{
    public bool Succeeded => Outcome is TwoFactorOutcome.Pending or TwoFactorOutcome.Enabled or TwoFactorOutcome.Disabled;
}
