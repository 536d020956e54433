namespace EdgeMail.Testing.Imap;

/// <summary>
/// A resp-text-code (RFC 9051 §7.1): its name upper-cased and its arguments as written; known codes are checked
/// against their own grammar and also give <see cref="Number"/> or <see cref="Items"/>.
/// </summary>
public sealed class ImapResponseCode
{
    public required string Name { get; init; }

    /// <summary>Everything between the name's SP and "]", or null when the code has no arguments.</summary>
    public string? Arguments { get; init; }

    /// <summary>UIDNEXT, UIDVALIDITY, UNSEEN, HIGHESTMODSEQ; the UIDVALIDITY of APPENDUID and COPYUID.</summary>
    public ulong? Number { get; init; }

    /// <summary>CAPABILITY and BADCHARSET lists, PERMANENTFLAGS flags; APPENDUID's set; COPYUID's source and destination sets.</summary>
    public IReadOnlyList<string>? Items { get; init; }

    public override string ToString() => Arguments is null ? Name : Name + " " + Arguments;
}
