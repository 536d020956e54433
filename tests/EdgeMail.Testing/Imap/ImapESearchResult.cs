namespace EdgeMail.Testing.Imap;

/// <summary>ESEARCH (RFC 4731 §3.1, RFC 9051 §7.3.4): correlator tag, UID indicator and return data.</summary>
public sealed class ImapESearchResult
{
    public ImapString? Tag { get; init; }

    public bool Uid { get; init; }

    public uint? Min { get; init; }

    public uint? Max { get; init; }

    public string? All { get; init; }

    public uint? Count { get; init; }

    public ulong? ModSeq { get; init; }

    /// <summary>Other search-return-data items by name, each value as written.</summary>
    public IReadOnlyDictionary<string, string> Other { get; init; } = new Dictionary<string, string>();
}
