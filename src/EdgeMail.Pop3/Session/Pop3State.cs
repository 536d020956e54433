namespace EdgeMail.Pop3.Session;

/// <summary>The session states of RFC 1939 §3, as flags so that a command can allow several.</summary>
[Flags]
internal enum Pop3State
{
    None = 0,

    /// <summary>RFC 1939 §4: the client identifies itself.</summary>
    Authorization = 1,

    /// <summary>RFC 1939 §5: the maildrop is locked and open.</summary>
    Transaction = 2,
}
