namespace EdgeMail.Device;

/// <summary>What the button's last accepted event was, for the status.</summary>
internal enum ButtonGesture
{
    /// <summary>Nothing since the service started.</summary>
    None,

    /// <summary>Pressed down, not yet released nor held long enough.</summary>
    Down,

    /// <summary>Released before the hold time: acknowledges the mail LED.</summary>
    ShortPress,

    /// <summary>Held for Device:Button:HoldForPairing: toggles the pairing window.</summary>
    Held,

    /// <summary>Released after a hold (does nothing more).</summary>
    Released,
}
