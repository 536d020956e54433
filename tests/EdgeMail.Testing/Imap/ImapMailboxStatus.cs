namespace EdgeMail.Testing.Imap;

/// <summary>A STATUS response (RFC 9051 §7.3.2): the mailbox and each status-att-val; APPENDLIMIT NIL is null.</summary>
public sealed class ImapMailboxStatus
{
    public required ImapString Mailbox { get; init; }

    public required IReadOnlyDictionary<string, long?> Attributes { get; init; }
}
