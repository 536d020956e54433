namespace EdgeMail.Imap.Protocol;

/// <summary>
/// One whole command as received: the text of its lines with small literals inline (<c>{n}</c> CRLF and
/// the n octets, as on the wire, without the final CRLF), large literals spooled to files, the tag, and the
/// verb in upper case (for UID commands, "UID FETCH" and so on).
/// </summary>
public sealed class ImapCommand(byte[] text, string tag, string name, int argumentsStart, IReadOnlyList<SpooledLiteral> spooled)
{
    public byte[] Text { get; } = text;

    public string Tag { get; } = tag;

    public string Name { get; } = name;

    public int ArgumentsStart { get; } = argumentsStart;

    public IReadOnlyList<SpooledLiteral> Spooled { get; } = spooled;

    public ImapReader Arguments() => new(Text, ArgumentsStart, Spooled);

    /// <summary>
    /// Reads tag and verb (RFC 9051 §2.2.1: tag SP command). Returns false, with a tag if one was found,
    /// when the line is not a command at all.
    /// </summary>
    public static bool TryParseHead(byte[] text, out string tag, out string name, out int argumentsStart)
    {
        var reader = new ImapReader(text, 0, []);
        name = string.Empty;
        argumentsStart = 0;
        tag = reader.TryReadTag() ?? string.Empty;
        if (tag.Length == 0 || !reader.TryReadSpace())
        {
            return false;
        }

        var verb = reader.TryReadAtomText();
        if (verb is null)
        {
            return false;
        }

        name = verb.ToUpperInvariant();
        if (name == "UID")
        {
            if (!reader.TryReadSpace() || reader.TryReadAtomText() is not { } sub)
            {
                return false;
            }

            name = "UID " + sub.ToUpperInvariant();
        }

        argumentsStart = reader.Position;
        return true;
    }
}
