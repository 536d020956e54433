namespace EdgeMail.Auth.Pairing;

/// <summary>The window's state right after a change: whether it is open, and until when.</summary>
public sealed class PairingWindowChangedEventArgs(PairingWindowChange change, bool isOpen, DateTimeOffset? closesAt) : EventArgs
{
    public PairingWindowChange Change { get; } = change;

    public bool IsOpen { get; } = isOpen;

    /// <summary>When an open window closes by itself; null while closed.</summary>
    public DateTimeOffset? ClosesAt { get; } = closesAt;
}
