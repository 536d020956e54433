namespace EdgeMail.Imap.Protocol;

/// <summary>
/// Ends a command with NO or BAD and a response code (RFC 5530). Thrown by handlers, caught only by the
/// session loop. A BAD counts towards Imap:MaxBadCommands.
/// </summary>
internal sealed class ProtocolException(bool bad, string? code, string text) : Exception(text)
{
    public bool IsBad { get; } = bad;

    public string? Code { get; } = code;

    public static ProtocolException No(string? code, string text) => new(false, code, text);

    public static ProtocolException Bad(string? code, string text) => new(true, code, text);
}
