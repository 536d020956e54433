namespace EdgeMail.Store.Backup;

/// <summary>What a backup or a restore did, for the CLI's lines, the status and the log.</summary>
public sealed record BackupReport(
    string Destination,
    long Messages,
    long Bodies,
    long BodyBytes,
    long BytesCopied,
    long BodiesVerified,
    int FilesRemoved,
    TimeSpan Took);
