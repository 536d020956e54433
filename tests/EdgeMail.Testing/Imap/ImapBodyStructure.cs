namespace EdgeMail.Testing.Imap;

/// <summary>
/// One node of BODY or BODYSTRUCTURE (RFC 9051 §7.5.2): a multipart with its parts, or a single part with its
/// body-fields, the lines of text and message parts, and the envelope and body of a message/rfc822 part.
/// </summary>
public sealed class ImapBodyStructure
{
    public bool IsMultipart { get; init; }

    /// <summary>The media type as sent ("TEXT", "application"); "MULTIPART" for a multipart.</summary>
    public required string Type { get; init; }

    public required string Subtype { get; init; }

    public IReadOnlyList<ImapBodyStructure> Parts { get; init; } = [];

    /// <summary>body-fld-param of a single part, or the first extension field of a multipart; null for NIL or absent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Parameters { get; init; }

    public ImapString? Id { get; init; }

    public ImapString? Description { get; init; }

    public string? Encoding { get; init; }

    public long Octets { get; init; }

    /// <summary>body-fld-lines of text/* and message/rfc822 parts.</summary>
    public long? Lines { get; init; }

    /// <summary>The envelope of a message/rfc822 (or message/global) part.</summary>
    public ImapEnvelope? Envelope { get; init; }

    /// <summary>The body of a message/rfc822 (or message/global) part.</summary>
    public ImapBodyStructure? Message { get; init; }

    /// <summary>Whether any extension data followed (body-ext-1part or body-ext-mpart).</summary>
    public bool HasExtensionData { get; init; }

    public ImapString? Md5 { get; init; }

    public ImapDisposition? Disposition { get; init; }

    public IReadOnlyList<string>? Languages { get; init; }

    public ImapString? Location { get; init; }

    /// <summary>How many body-extension values followed the location.</summary>
    public int FurtherExtensions { get; init; }

    /// <summary>"type/subtype" in lower case.</summary>
    public string MediaType => (Type + "/" + Subtype).ToLowerInvariant();
}
