namespace EdgeMail.Testing.Imap;

/// <summary>How a client literal is sent: "{n}" waiting for "+", "{n+}" (RFC 7888), or "~{n}" (RFC 3516) waiting for "+".</summary>
public enum ImapLiteralMode
{
    Synchronizing,
    NonSynchronizing,
    Literal8,
}
