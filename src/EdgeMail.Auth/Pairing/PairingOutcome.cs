namespace EdgeMail.Auth.Pairing;

/// <summary>How a pairing request ended; every outcome but <see cref="Paired"/> is a refusal with a reason.</summary>
public enum PairingOutcome
{
    /// <summary>A new app password was made (and, on an empty box, the first account).</summary>
    Paired,

    /// <summary>No pairing window is open: hold the button, or run <c>edgemail pair</c>.</summary>
    WindowClosed,

    /// <summary>Wrong address or password (the login throttle counted it).</summary>
    WrongPassword,

    /// <summary>The address is locked out by the login throttle: nothing was checked.</summary>
    Locked,

    /// <summary>An app password was given: pairing takes the account's main password.</summary>
    MainPasswordRequired,

    /// <summary>The device name is empty, too long or has control characters.</summary>
    InvalidDeviceName,

    /// <summary>The account already has a device of that name.</summary>
    DeviceNameTaken,

    /// <summary>First account only: the address is not valid, or not in one of the local domains.</summary>
    InvalidAddress,

    /// <summary>First account only: the password is too short.</summary>
    PasswordTooShort,
}
