namespace EdgeMail.Testing.Imap;

/// <summary>SEARCH (RFC 9051 §7.3.4 obsolete form, RFC 3501 §7.2.5), with CONDSTORE's MODSEQ (RFC 7162 §3.1.5).</summary>
public sealed class ImapSearchResult
{
    public required IReadOnlyList<uint> Numbers { get; init; }

    public ulong? ModSeq { get; init; }
}
