namespace EdgeMail.CrashHarness;

/// <summary>The violations counted over the run, by the names the summary line prints.</summary>
internal sealed class Tally
{
    public int Lost { get; set; }

    public int DuplicatedLocal { get; set; }

    public int RelayDuplicates { get; set; }

    public int Corrupt { get; set; }

    public int UidRegressions { get; set; }

    /// <summary>Operations that happened in part, acknowledged operations undone, errors while the server ran.</summary>
    public int Other { get; set; }

    public List<string> Details { get; } = [];

    public int Violations => Lost + DuplicatedLocal + Corrupt + UidRegressions + Other;

    public void Add(string kind, string detail)
    {
        switch (kind)
        {
            case "lost": Lost++; break;
            case "duplicated": DuplicatedLocal++; break;
            case "corrupt": Corrupt++; break;
            case "uid": UidRegressions++; break;
            default: Other++; break;
        }

        Details.Add($"{kind}: {detail}");
    }
}
