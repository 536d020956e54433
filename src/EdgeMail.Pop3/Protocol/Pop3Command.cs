namespace EdgeMail.Pop3.Protocol;

/// <summary>A parsed command line (RFC 1939 §3): the keyword in upper case and its typed arguments.</summary>
internal abstract record Pop3Command(string Keyword);

/// <summary>A command without arguments: STAT, NOOP, RSET, QUIT, CAPA, STLS, UTF8.</summary>
internal sealed record PlainCommand(string Keyword) : Pop3Command(Keyword);

/// <summary>LIST and UIDL (optional message number, RFC 1939 §5, §7), RETR and DELE (required).</summary>
internal sealed record MessageCommand(string Keyword, int? Message) : Pop3Command(Keyword);

/// <summary>TOP msg n (RFC 1939 §7).</summary>
internal sealed record TopCommand(int Message, long Lines) : Pop3Command("TOP");

/// <summary>USER name (RFC 1939 §7).</summary>
internal sealed record UserCommand(string Name) : Pop3Command("USER");

/// <summary>PASS string (RFC 1939 §7). Never printed: ToString leaves the password out.</summary>
internal sealed record PassCommand(string Password) : Pop3Command("PASS")
{
    public override string ToString() => "PASS ********";
}

/// <summary>
/// AUTH mechanism [initial-response] (RFC 5034 §4). The response is still base64 ("=" for an empty one);
/// ToString leaves it out.
/// </summary>
internal sealed record AuthCommand(string Mechanism, string? InitialResponse) : Pop3Command("AUTH")
{
    public override string ToString() => "AUTH " + Mechanism + (InitialResponse is null ? "" : " ********");
}
