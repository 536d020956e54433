namespace EdgeMail.Backup;

/// <summary>
/// The scheduled backup (section Backup): to a mounted USB stick or NAS path, for the box whose SD card dies. Off
/// until <see cref="Path"/> is set. The packaged unit's drop-in edgemail.service.d/backup.conf must list the same
/// path in ReadWritePaths, since the service may write nowhere else.
/// </summary>
public sealed class BackupOptions
{
    public const string SectionName = "Backup";

    /// <summary>The backup folder (an incremental copy kept up to date there); none: no scheduled backup.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Time between backups: a day, as a nightly backup would be; the first runs one interval after start, or at
    /// once when the last success is older than that. An incremental backup of a quiet box copies little.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    public static string? FirstProblem(BackupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Path is { Length: 0 } || (options.Path is not null && !System.IO.Path.IsPathFullyQualified(options.Path)))
        {
            return $"Backup:Path must be an absolute folder (is '{options.Path}')";
        }

        return options.Interval < TimeSpan.FromMinutes(10) || options.Interval > TimeSpan.FromDays(31)
            ? $"Backup:Interval must be between 00:10:00 and 31.00:00:00 (is {options.Interval})"
            : null;
    }
}
