namespace EdgeMail.Auth.Admin;

/// <summary>How an admin login to the web page ended; every outcome but <see cref="Success"/> is a refusal.</summary>
public enum AdminLoginOutcome
{
    /// <summary>Logged in: the account is the admin, its password was right and, with TOTP on, so was the code.</summary>
    Success,

    /// <summary>Wrong address or password (counted by the login throttle).</summary>
    WrongCredentials,

    /// <summary>The password was right, but the account is not the box's admin.</summary>
    NotAdmin,

    /// <summary>An app password was given: the page takes the account's own password only.</summary>
    AppPasswordRefused,

    /// <summary>The password was right and TOTP is on, but no code was given: ask for it and send all three again.</summary>
    SecondFactorRequired,

    /// <summary>The code was wrong, replayed, or not an unused recovery code (counted by the login throttle).</summary>
    WrongSecondFactor,

    /// <summary>The address is locked out by the login throttle: nothing was checked.</summary>
    Locked,
}
