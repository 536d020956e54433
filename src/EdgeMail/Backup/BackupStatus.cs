namespace EdgeMail.Backup;

/// <summary>The scheduled backup in `status` (and its JSON): where to, the last result, the next run.</summary>
public sealed class BackupStatus
{
    public string? Path { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    /// <summary>The last attempt's failure, one line; null after a success.</summary>
    public string? LastError { get; set; }

    public DateTimeOffset? LastAttempt { get; set; }

    public long Messages { get; set; }

    public long BodyBytes { get; set; }

    /// <summary>Bytes the last run wrote to the backup (an incremental run copies only what is new).</summary>
    public long BytesCopied { get; set; }

    public long TookMs { get; set; }

    public DateTimeOffset? NextAt { get; set; }
}
