namespace EdgeMail.Testing.Imap;

/// <summary>A LIST or LSUB response (RFC 9051 §7.3.1, LIST-EXTENDED RFC 5258 §4).</summary>
public sealed class ImapListItem
{
    public required IReadOnlyList<string> Attributes { get; init; }

    /// <summary>The hierarchy delimiter, or null for NIL (a flat name space).</summary>
    public char? Delimiter { get; init; }

    public required ImapString Mailbox { get; init; }

    /// <summary>RFC 5258 §4 mbox-list-extended items by tag (upper-cased), each value as written.</summary>
    public IReadOnlyDictionary<string, string> Extended { get; init; } = new Dictionary<string, string>();

    /// <summary>RFC 5258 §4 CHILDINFO values ("SUBSCRIBED").</summary>
    public IReadOnlyList<string>? ChildInfo { get; init; }

    /// <summary>RFC 9051 §7.3.1 OLDNAME.</summary>
    public ImapString? OldName { get; init; }
}
