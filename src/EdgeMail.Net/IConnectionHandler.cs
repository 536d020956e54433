namespace EdgeMail.Net;

/// <summary>
/// One protocol's server side of a connection (IMAP, POP3, SMTP). Shaped like Kestrel's
/// <c>ConnectionHandler</c> so that moving to Kestrel's transport would only change EdgeMail.Net.
/// </summary>
public interface IConnectionHandler
{
    /// <summary>
    /// Serves one connection until the client leaves or <paramref name="stopping"/> fires. When it fires, the
    /// handler finishes its current command, says goodbye (<c>* BYE</c>, <c>421</c>, <c>-ERR</c>) and returns;
    /// connections still open after <see cref="NetOptions.DrainTimeout"/> are aborted. The listener disposes
    /// the connection after this returns, and logs any exception with the connection id.
    /// </summary>
    Task RunAsync(MailConnection connection, CancellationToken stopping);

    /// <summary>
    /// Called instead of <see cref="RunAsync"/> when a limit refuses the connection, before any byte is read,
    /// so the protocol can send its "too many connections" reply (RFC 5321 §3.8 <c>421</c>, RFC 9051 §7.1.5
    /// <c>* BYE</c>, RFC 1939 §3 <c>-ERR</c>). Only called on plaintext endpoints: on implicit-TLS endpoints a
    /// refused connection is closed without a handshake, so a flood costs no TLS work. The default sends nothing.
    /// </summary>
    Task RejectAsync(MailConnection connection, RejectReason reason, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
