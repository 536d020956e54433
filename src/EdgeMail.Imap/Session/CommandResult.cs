namespace EdgeMail.Imap.Session;

/// <summary>
/// The tagged completion of a command: OK or NO, with an optional response code. Answered: the handler already sent
/// its tagged reply itself (STARTTLS, which must answer before the handshake).
/// </summary>
internal readonly record struct CommandResult(bool Ok, string? Code, string Text, bool Answered = false)
{
    /// <summary>The handler already wrote its tagged reply (STARTTLS answers before the handshake).</summary>
    public static CommandResult AlreadyAnswered { get; } = new(true, null, string.Empty, Answered: true);

    public static CommandResult Done(string text = "done") => new(true, null, text);

    public static CommandResult WithCode(string code, string text) => new(true, code, text);

    public static CommandResult No(string? code, string text) => new(false, code, text);
}
