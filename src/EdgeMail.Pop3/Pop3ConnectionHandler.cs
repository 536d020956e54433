using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3;

/// <summary>The POP3 server side of one connection (RFC 1939, RFC 2449, RFC 2595, RFC 5034, RFC 6856).</summary>
public sealed class Pop3ConnectionHandler(MailStore store, Pop3Maildrops maildrops, Authenticator authenticator, Pop3Options options, TimeProvider time, ILogger<Pop3ConnectionHandler> logger) : IConnectionHandler
{
    public Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // CONVENTIONS §2.7: one snapshot of the options per session.
        var snapshot = options.Snapshot();
        return new Pop3Session(connection, store, maildrops, authenticator, snapshot, time, logger).RunAsync(stopping);
    }

    /// <summary>RFC 1939 §3 allows an -ERR greeting; RFC 3206 §4 SYS/TEMP says to come back later.</summary>
    public async Task RejectAsync(MailConnection connection, RejectReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Pop3ResponseWriter.WriteStatus(connection.Output, Pop3Replies.TooManyConnections);
        await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
