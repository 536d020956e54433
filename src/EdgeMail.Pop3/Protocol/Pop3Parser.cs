namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// Argument grammars of the commands (RFC 1939 §5–§7, RFC 2449 §5, RFC 2595 §4, RFC 5034 §4, RFC 6856 §2).
/// Each returns the command, or null when the arguments do not parse; the keyword has already been read.
/// </summary>
internal static class Pop3Parser
{
    /// <summary>Parses the arguments after <paramref name="keyword"/>.</summary>
    public delegate Pop3Command? ArgumentParser(ref Pop3Reader reader, string keyword);

    /// <summary>Reads the keyword of a line; false when there is none (an empty or garbage line).</summary>
    public static bool TryReadKeyword(ref Pop3Reader reader, out string keyword) => reader.TryReadKeyword(out keyword);

    /// <summary>STAT, NOOP, RSET, QUIT, CAPA, STLS, UTF8: no arguments.</summary>
    public static Pop3Command? None(ref Pop3Reader reader, string keyword) =>
        reader.TryReadEnd() ? new PlainCommand(keyword) : null;

    /// <summary>LIST [msg], UIDL [msg] (RFC 1939 §5, §7).</summary>
    public static Pop3Command? OptionalMessage(ref Pop3Reader reader, string keyword)
    {
        if (reader.TryReadEnd())
        {
            return new MessageCommand(keyword, null);
        }

        return reader.TryReadSpace() && reader.TryReadNumber(out var message) && reader.TryReadEnd()
            ? new MessageCommand(keyword, message)
            : null;
    }

    /// <summary>RETR msg, DELE msg (RFC 1939 §5).</summary>
    public static Pop3Command? Message(ref Pop3Reader reader, string keyword) =>
        reader.TryReadSpace() && reader.TryReadNumber(out var message) && reader.TryReadEnd()
            ? new MessageCommand(keyword, message)
            : null;

    /// <summary>TOP msg n (RFC 1939 §7): n may be 0, for the headers alone.</summary>
    public static Pop3Command? Top(ref Pop3Reader reader, string keyword) =>
        reader.TryReadSpace() && reader.TryReadNumber(out var message)
            && reader.TryReadSpace() && reader.TryReadNumber(out var lines) && reader.TryReadEnd()
            ? new TopCommand(message, lines)
            : null;

    /// <summary>USER name (RFC 1939 §7).</summary>
    public static Pop3Command? User(ref Pop3Reader reader, string keyword) =>
        reader.TryReadSpace() && reader.TryReadArgument(out var name) && reader.TryReadEnd()
            ? new UserCommand(name)
            : null;

    /// <summary>PASS string (RFC 1939 §7): the whole rest of the line after one space.</summary>
    public static Pop3Command? Pass(ref Pop3Reader reader, string keyword) =>
        reader.TryReadSingleSpace() && reader.TryReadRest(out var password)
            ? new PassCommand(password)
            : null;

    /// <summary>AUTH mechanism [initial-response] (RFC 5034 §4).</summary>
    public static Pop3Command? Auth(ref Pop3Reader reader, string keyword)
    {
        if (!reader.TryReadSpace() || !reader.TryReadArgument(out var mechanism))
        {
            return null;
        }

        if (reader.TryReadEnd())
        {
            return new AuthCommand(mechanism.ToUpperInvariant(), null);
        }

        return reader.TryReadSpace() && reader.TryReadArgument(out var initial) && reader.TryReadEnd()
            ? new AuthCommand(mechanism.ToUpperInvariant(), initial)
            : null;
    }
}
