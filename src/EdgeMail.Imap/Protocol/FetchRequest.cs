namespace EdgeMail.Imap.Protocol;

/// <summary>Which part of a message a BODY[...] or BINARY[...] item names (RFC 9051 §6.4.5).</summary>
public enum SectionText
{
    /// <summary>The whole part (or message), or BODY[] for the message.</summary>
    None,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}

/// <summary>One BODY[...] / BINARY[...] / BINARY.SIZE[...] item, with its partial range.</summary>
public sealed record SectionItem(
    bool Binary,
    bool SizeOnly,
    bool Peek,
    IReadOnlyList<int> Part,
    SectionText Text,
    IReadOnlyList<string>? Fields,
    long? PartialStart,
    long? PartialCount,
    string Label);

/// <summary>A parsed FETCH (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 §3.1.4 CHANGEDSINCE, §3.2.6 VANISHED).</summary>
public sealed class FetchRequest
{
    public required SequenceSet Set { get; init; }

    public bool Flags { get; set; }

    public bool InternalDate { get; set; }

    public bool Size { get; set; }

    public bool Envelope { get; set; }

    public bool Body { get; set; }

    public bool BodyStructure { get; set; }

    public bool Uid { get; set; }

    public bool ModSeq { get; set; }

    public List<SectionItem> Sections { get; } = [];

    public ulong? ChangedSince { get; set; }

    public bool Vanished { get; set; }

    /// <summary>Some item sets \Seen (BODY[...] without .PEEK, RFC822, RFC822.TEXT, BINARY[...]).</summary>
    public bool SetsSeen => Sections.Any(s => !s.Peek && !s.SizeOnly);

    /// <summary>
    /// RFC822.SIZE too: the size served is that of the message with CRLF line ends, which for mail stored with bare
    /// LFs only the summary tells (MailStore.ViewAsync).
    /// </summary>
    public bool NeedsSummary => Size || Envelope || Body || BodyStructure || Sections.Count > 0;
}
