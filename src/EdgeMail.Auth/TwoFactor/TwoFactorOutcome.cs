namespace EdgeMail.Auth.TwoFactor;

/// <summary>How a step of turning TOTP on or off ended.</summary>
public enum TwoFactorOutcome
{
    /// <summary>An enrolment was begun: show the secret and the QR code of its URI, then ask for a code.</summary>
    Pending,

    /// <summary>The code confirmed the enrolment: TOTP is on; show the recovery codes (only now).</summary>
    Enabled,

    /// <summary>TOTP was turned off (pending or on).</summary>
    Disabled,

    /// <summary>Begin refused: TOTP is already on. Turn it off first.</summary>
    AlreadyEnabled,

    /// <summary>Confirm refused: no enrolment was begun (or it is already confirmed).</summary>
    NothingPending,

    /// <summary>Confirm refused: the code is not the current one of the pending secret.</summary>
    WrongCode,

    /// <summary>Disable: the account has no TOTP, nothing changed.</summary>
    NotEnabled,
}
