namespace EdgeMail.Testing.Imap;

/// <summary>How a string value was written on the wire (RFC 9051 §4.3, RFC 3516 §4.2).</summary>
public enum ImapStringForm
{
    Nil,
    Atom,
    Quoted,
    Literal,
    Literal8,
}
