namespace EdgeMail.Testing.Imap;

/// <summary>NAMESPACE (RFC 2342 §5, RFC 9051 §7.3.5): personal, other users' and shared; null for NIL.</summary>
public sealed class ImapNamespaceResponse
{
    public IReadOnlyList<ImapNamespaceEntry>? Personal { get; init; }

    public IReadOnlyList<ImapNamespaceEntry>? OtherUsers { get; init; }

    public IReadOnlyList<ImapNamespaceEntry>? Shared { get; init; }
}
