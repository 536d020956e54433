namespace EdgeMail.Cli;

/// <summary>One device (app password) as `device list --json` prints it; times in UTC, null when never used.</summary>
internal sealed class DeviceEntry
{
    public string Account { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset? LastUsed { get; set; }

    /// <summary>The client address of the last use.</summary>
    public string? LastUsedFrom { get; set; }
}
