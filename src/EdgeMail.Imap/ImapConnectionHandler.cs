using EdgeMail.Auth.Login;
using EdgeMail.Imap.Session;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap;

/// <summary>The IMAP server side of one connection (RFC 9051, RFC 3501): one <see cref="ImapSession"/> per connection.</summary>
public sealed class ImapConnectionHandler(MailStore store, Authenticator authenticator, ImapOptions options, TimeProvider time, ILogger<ImapConnectionHandler> logger) : IConnectionHandler
{
    private readonly UidMapCache _uids = new(store);
    private readonly IdleDeadlines _idleDeadlines = new(time, options.IdleTimeout);

    public Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new ImapSession(connection, store, authenticator, options, time, logger, _uids, _idleDeadlines).RunAsync(stopping);
    }

    /// <summary>RFC 9051 §7.1.5: BYE instead of a greeting when the server will not serve the connection.</summary>
    public async Task RejectAsync(MailConnection connection, RejectReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.Output.WriteAsync("* BYE [UNAVAILABLE] EdgeMail: too many connections, try again later\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
