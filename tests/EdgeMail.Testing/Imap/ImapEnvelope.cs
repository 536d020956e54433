namespace EdgeMail.Testing.Imap;

/// <summary>RFC 9051 §7.5.2 ENVELOPE: the ten fields in order; an address list is null when the server sent NIL.</summary>
public sealed class ImapEnvelope
{
    public required ImapString Date { get; init; }

    public required ImapString Subject { get; init; }

    public IReadOnlyList<ImapAddress>? From { get; init; }

    public IReadOnlyList<ImapAddress>? Sender { get; init; }

    public IReadOnlyList<ImapAddress>? ReplyTo { get; init; }

    public IReadOnlyList<ImapAddress>? To { get; init; }

    public IReadOnlyList<ImapAddress>? Cc { get; init; }

    public IReadOnlyList<ImapAddress>? Bcc { get; init; }

    public required ImapString InReplyTo { get; init; }

    public required ImapString MessageId { get; init; }
}
