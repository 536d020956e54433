using System.Text;

namespace EdgeMail.Testing.Imap;

/// <summary>
/// An nstring, astring or string value: the exact octets (8-bit content may legally arrive as a literal) and the
/// form the server chose.
/// </summary>
public sealed class ImapString
{
    public static readonly ImapString Nil = new(ImapStringForm.Nil, null);

    public ImapString(ImapStringForm form, byte[]? bytes)
    {
        Form = form;
        Bytes = bytes;
    }

    public ImapStringForm Form { get; }

    /// <summary>The octets (escapes of a quoted string removed); null for NIL.</summary>
    public byte[]? Bytes { get; }

    public bool IsNil => Form == ImapStringForm.Nil;

    public bool IsQuoted => Form == ImapStringForm.Quoted;

    public bool IsLiteral => Form is ImapStringForm.Literal or ImapStringForm.Literal8;

    /// <summary>The octets as UTF-8 (RFC 9051 allows UTF-8 in quoted strings); null for NIL.</summary>
    public string? Value => Bytes is null ? null : Encoding.UTF8.GetString(Bytes);

    public override string ToString() => Value ?? "NIL";
}
