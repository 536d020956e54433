namespace EdgeMail.Auth.TwoFactor;

/// <summary>What <see cref="TwoFactorService.VerifyAsync"/> made of a code at login.</summary>
internal enum SecondFactorCheck
{
    /// <summary>The current TOTP code (±1 step), not used before.</summary>
    Accepted,

    /// <summary>An unused recovery code, now used up.</summary>
    RecoveryCodeAccepted,

    /// <summary>Neither a current code nor an unused recovery code.</summary>
    Wrong,

    /// <summary>A right code of a step already used (RFC 6238 §5.2): refused, and counted as a failure.</summary>
    Replayed,

    /// <summary>The account has no TOTP on.</summary>
    NotEnabled,
}
