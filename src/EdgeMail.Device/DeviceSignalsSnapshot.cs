namespace EdgeMail.Device;

/// <summary>What the host has told the device layer, at one instant: the input of <see cref="DevicePolicy"/>.</summary>
internal sealed record DeviceSignalsSnapshot(
    int UnseenTotal,
    bool MailAcknowledged,
    IReadOnlyList<string> Attention,
    string? StoreFailure,
    bool DiskLow,
    bool PairingOpen,
    bool NoAccountYet);
