namespace EdgeMail.Store.Mime;

/// <summary>
/// What IMAP's FETCH needs of a message without reading its body again: the envelope and the MIME
/// part tree with byte offsets (RFC 9051 §7.5.2 ENVELOPE, BODYSTRUCTURE; §6.4.5 section numbering).
/// Computed once with MimeKit at delivery and stored with the body.
/// </summary>
/// <param name="CrlfLength">
/// The message's length with every line ended by CRLF, as POP3 counts it (RFC 1939 §5); null for messages stored
/// before it was recorded.
/// </param>
/// <param name="StoredCrlf">
/// True when the stored body's lines all end in CRLF because a bare LF got its CR at delivery (RFC 5322 §2.3), so
/// that the stored bytes, the offsets here and RFC822.SIZE agree; false for a message stored before that, whose
/// body may hold bare LFs and is then served converted (see MailStore.OpenViewAsync).
/// </param>
public sealed record MessageSummary(Envelope Envelope, BodyPart Body, long? CrlfLength = null, bool StoredCrlf = false);

/// <summary>
/// Envelope fields: the header values as they stand, unfolded and not decoded (RFC 3501 §7.4.2), address names
/// included. Summaries stored before <paramref name="Octets"/> existed have decoded address names.
/// </summary>
/// <param name="Octets">
/// True when some header bytes are not UTF-8 (a raw Latin-1 subject): then every string here holds the header's
/// octets one per char (Latin-1), and the writer sends those octets; false when the strings are text.
/// </param>
public sealed record Envelope(
    string? Date,
    string? Subject,
    IReadOnlyList<EnvelopeAddress>? From,
    IReadOnlyList<EnvelopeAddress>? Sender,
    IReadOnlyList<EnvelopeAddress>? ReplyTo,
    IReadOnlyList<EnvelopeAddress>? To,
    IReadOnlyList<EnvelopeAddress>? Cc,
    IReadOnlyList<EnvelopeAddress>? Bcc,
    string? InReplyTo,
    string? MessageId,
    bool Octets = false);

/// <summary>
/// An address in the envelope's form (RFC 9051 §7.5.2): name, source route, mailbox, host. A group
/// starts with Host null and Mailbox the group's name, and ends with Mailbox and Host both null.
/// </summary>
public sealed record EnvelopeAddress(string? Name, string? Route, string? Mailbox, string? Host);

/// <summary>A parameter of Content-Type or Content-Disposition.</summary>
public sealed record MimeParameter(string Name, string Value);

/// <summary>
/// One MIME part. Offsets are into the stored message: HeaderOffset where its header starts,
/// BodyOffset where its content starts (after the blank line), EndOffset where its content ends.
/// Lines counts the content's lines (for text/* and message/rfc822 in BODYSTRUCTURE). A multipart
/// has Parts; a message/rfc822 has one Part (the embedded message's root) and its Envelope.
/// </summary>
public sealed record BodyPart(
    string MediaType,
    string MediaSubtype,
    IReadOnlyList<MimeParameter> Parameters,
    string? ContentId,
    string? ContentDescription,
    string? ContentTransferEncoding,
    string? ContentMd5,
    string? Disposition,
    IReadOnlyList<MimeParameter>? DispositionParameters,
    IReadOnlyList<string>? ContentLanguage,
    string? ContentLocation,
    long HeaderOffset,
    long BodyOffset,
    long EndOffset,
    long Lines,
    IReadOnlyList<BodyPart>? Parts,
    Envelope? MessageEnvelope)
{
    public long ContentLength => EndOffset - BodyOffset;
}
