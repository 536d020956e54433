namespace EdgeMail.Store.Backup;

/// <summary>What <see cref="StoreCheck"/> found in a data folder. <see cref="Problems"/> empty: the folder is sound.</summary>
public sealed class CheckReport
{
    public int Schema { get; internal set; }

    public long Messages { get; internal set; }

    public long Bodies { get; internal set; }

    public long BodyBytes { get; internal set; }

    /// <summary>Bodies stored before hashes were recorded at intake, hashed by this check (when it may write).</summary>
    public long HashesRecorded { get; internal set; }

    /// <summary>Bodies with no recorded hash that this check could only test for presence and length.</summary>
    public long Unhashed { get; internal set; }

    /// <summary>Files under bodies/ that no row refers to (recovery removes them at the service's next start).</summary>
    public List<string> Orphans { get; } = [];

    /// <summary>One line per problem: a damaged or missing body (naming the message), a database fault.</summary>
    public List<string> Problems { get; } = [];

    public bool Sound => Problems.Count == 0;
}
