namespace EdgeMail.Testing.Imap;

/// <summary>One Namespace-Descr (RFC 2342 §5, RFC 9051 §7.3.5): prefix and delimiter.</summary>
public sealed class ImapNamespaceEntry
{
    public required ImapString Prefix { get; init; }

    public char? Delimiter { get; init; }
}
