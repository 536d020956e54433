namespace EdgeMail.Testing.Imap;

/// <summary>
/// An untagged FETCH (RFC 9051 §7.5.2) with each msg-att item typed; an item the server did not send is null.
/// </summary>
public sealed class FetchResponse
{
    public uint SequenceNumber { get; internal set; }

    public uint? Uid { get; internal set; }

    /// <summary>RFC 7162 §3.1.4.1 MODSEQ (permsg-modsequence).</summary>
    public ulong? ModSeq { get; internal set; }

    public IReadOnlyList<string>? Flags { get; internal set; }

    public DateTimeOffset? InternalDate { get; internal set; }

    public long? Rfc822Size { get; internal set; }

    public ImapEnvelope? Envelope { get; internal set; }

    public ImapBodyStructure? BodyStructure { get; internal set; }

    /// <summary>The non-extensible BODY item.</summary>
    public ImapBodyStructure? Body { get; internal set; }

    /// <summary>
    /// Section data by item name as sent, keywords upper-cased: "BODY[]", "BODY[1.2]", "BODY[HEADER]&lt;0&gt;",
    /// "BINARY[1]", "RFC822", "RFC822.HEADER", "RFC822.TEXT".
    /// </summary>
    public IReadOnlyDictionary<string, ImapString> Sections => SectionMap;

    /// <summary>RFC 3516 BINARY.SIZE by section-part ("" for the whole message, "1.2").</summary>
    public IReadOnlyDictionary<string, long> BinarySizes => BinarySizeMap;

    /// <summary>The item names in the order the server sent them.</summary>
    public IReadOnlyList<string> ItemNames => ItemList;

    internal Dictionary<string, ImapString> SectionMap { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, long> BinarySizeMap { get; } = new(StringComparer.Ordinal);

    internal List<string> ItemList { get; } = [];

    /// <summary>The octets of one section item ("BODY[]"), or null when it is absent or NIL.</summary>
    public byte[]? Section(string name) => Sections.TryGetValue(name, out var value) ? value.Bytes : null;
}
