using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3;

/// <summary>
/// What every POP3 session on one store shares: the maildrop locks (RFC 1939 §4, one session per maildrop across the
/// pop3 and pop3s endpoints and the expiry sweep) and the wire sizes measured for messages stored before their CRLF
/// length was counted at delivery. One per store, registered by the host beside the store.
/// </summary>
public sealed class Pop3Maildrops
{
    internal MaildropLocks Locks { get; } = new();

    internal WireSizes Sizes { get; } = new();
}
