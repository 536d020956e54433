namespace EdgeMail.Control;

/// <summary>The local control channel between the CLI and the running service (section Control).</summary>
public sealed class ControlOptions
{
    public const string SectionName = "Control";

    /// <summary>
    /// The longest request or response line. A request is a verb and a few words; a status report is a few KiB. 1 MiB
    /// leaves room for the device verbs to come and still bounds what a stuck peer makes the other buffer.
    /// </summary>
    public int MaxLineBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// How long either side waits for the other's line. The service answers from memory and one SQLite read, so a
    /// service that has not answered in 10 s is stuck; the CLI then says so rather than hanging a script.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public static string? FirstProblem(ControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxLineBytes is < 1024 or > 64 * 1024 * 1024)
        {
            return $"Control:MaxLineBytes must be between 1024 and 67108864 (is {options.MaxLineBytes})";
        }

        return options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(5)
            ? $"Control:Timeout must be between 00:00:00 (exclusive) and 00:05:00 (is {options.Timeout})"
            : null;
    }
}
