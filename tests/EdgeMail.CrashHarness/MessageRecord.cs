namespace EdgeMail.CrashHarness;

/// <summary>How a message came in: SMTP to a local account, IMAP APPEND, or SMTP to an outside domain (the relay).</summary>
internal enum Origin
{
    Smtp,
    Append,
    Relay,
}

/// <summary>
/// One message in the ledger. <see cref="Current"/> is the last state the server acknowledged; while an operation on it
/// is unanswered, <see cref="Alternatives"/> holds what it would leave, so that after a kill the message must be found
/// in exactly one of them: the operation happened fully or not at all.
/// </summary>
internal sealed class MessageRecord(string token, Origin origin, string account, int owner, Fingerprint expected)
{
    public string Token { get; } = token;

    public Origin Origin { get; } = origin;

    public string Account { get; } = account;

    /// <summary>The worker that may operate on it (each IMAP session touches only its own messages).</summary>
    public int Owner { get; } = owner;

    public Fingerprint Expected { get; } = expected;

    /// <summary>The server acknowledged its delivery (250 after DATA, OK to APPEND).</summary>
    public bool Acknowledged { get; set; }

    public MailState Current { get; set; } = MailState.Absent;

    public List<MailState> Alternatives { get; } = [];

    /// <summary>The POP3 session whose unanswered QUIT would delete it with the others of that session.</summary>
    public int? Pop3Batch { get; set; }

    /// <summary>What the last operation was, for the report of a violation.</summary>
    public string LastOperation { get; set; } = "none";

    public IEnumerable<MailState> Allowed => Alternatives.Prepend(Current);

    public bool IsSettled => Alternatives.Count == 0;
}
