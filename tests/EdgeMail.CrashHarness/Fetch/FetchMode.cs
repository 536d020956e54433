namespace EdgeMail.CrashHarness.Fetch;

/// <summary>How the box's fetch account pulls from the provider: the protocol and what it does there after a commit.</summary>
internal sealed record FetchMode(string Name, string Protocol, string Remote)
{
    public static readonly IReadOnlyList<FetchMode> All =
    [
        new("imap-keep", "imap", "keep"),
        new("imap-delete", "imap", "delete"),
        new("pop3-delete", "pop3", "delete"),
    ];

    /// <summary>Whether the provider loses each message once it is committed here.</summary>
    public bool Deletes => Remote == "delete";

    /// <summary>"all" or a comma-separated list of names; null when a name is unknown.</summary>
    public static IReadOnlyList<FetchMode>? Parse(string text)
    {
        if (text == "all")
        {
            return All;
        }

        var chosen = new List<FetchMode>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var mode = All.FirstOrDefault(m => m.Name == name);
            if (mode is null)
            {
                return null;
            }

            chosen.Add(mode);
        }

        return chosen.Count == 0 ? null : chosen;
    }
}
