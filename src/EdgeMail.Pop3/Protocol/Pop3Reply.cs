namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// A status line (RFC 1939 §3): <c>+OK</c> or <c>-ERR</c>, an optional extended response code in brackets
/// (RFC 2449 §8), and text for humans.
/// </summary>
internal sealed record Pop3Reply(bool Ok, string? Code, string Text)
{
    public static Pop3Reply Success(string text) => new(true, null, text);

    public static Pop3Reply Error(string text, string? code = null) => new(false, code, text);

    /// <summary>
    /// What a handler returns when the session has nothing more to write: it wrote its status line itself (before
    /// multi-line data, RFC 1939 §3, or before a TLS handshake, RFC 2595 §4), or the client is gone. Compared by
    /// reference.
    /// </summary>
    public static Pop3Reply Answered { get; } = new(true, null, string.Empty);

    /// <summary>The line as sent, with its CRLF.</summary>
    public override string ToString() =>
        (Ok ? "+OK" : "-ERR") + (Code is null ? "" : " [" + Code + "]") + (Text.Length == 0 ? "" : " " + Text) + "\r\n";
}
