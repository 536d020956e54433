using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap;

/// <summary>The IMAP server side of one connection (RFC 9051, RFC 3501).</summary>
public sealed class ImapConnectionHandler(MailStore store, Authenticator authenticator, ImapOptions options, TimeProvider time, ILogger<ImapConnectionHandler> logger) : IConnectionHandler
{
    public async Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        _ = (store, authenticator, options, time, logger);
        await connection.Output.WriteAsync("* BYE [UNAVAILABLE] EdgeMail: the IMAP service is not available in this build\r\n"u8.ToArray(), stopping).ConfigureAwait(false);
        await connection.Output.FlushAsync(stopping).ConfigureAwait(false);
    }
}
