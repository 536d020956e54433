namespace EdgeMail.Pop3;

/// <summary>What the UPDATE state (RFC 1939 §6) does with the messages a session marked with DELE.</summary>
public enum Pop3DeleteMode
{
    /// <summary>Removes them; IMAP sessions see an EXPUNGE.</summary>
    Expunge,

    /// <summary>Moves them to the account's Trash mailbox (RFC 6154 \Trash), where IMAP clients can still find them.</summary>
    MoveToTrash,

    /// <summary>Leaves them on the server ("leave a copy on the server"); the next session lists them again.</summary>
    Keep,
}
