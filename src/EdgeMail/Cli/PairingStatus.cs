namespace EdgeMail.Cli;

/// <summary>The pairing window as `status` shows it: open or not, and the whole seconds left.</summary>
internal sealed class PairingStatus
{
    public bool Open { get; set; }

    public int SecondsLeft { get; set; }

    /// <summary>The window's length (Device:Pairing:Window), in seconds.</summary>
    public int WindowSeconds { get; set; }
}
