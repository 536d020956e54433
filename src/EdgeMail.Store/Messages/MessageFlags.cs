namespace EdgeMail.Store.Messages;

/// <summary>
/// The system flags that are stored (RFC 9051 §2.3.2). \Recent is per session in IMAP4rev1 and is
/// not a stored flag; keywords are kept apart as strings.
/// </summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}
