using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3;

/// <summary>The POP3 server side of one connection (RFC 1939, RFC 2449, RFC 2595).</summary>
public sealed class Pop3ConnectionHandler(MailStore store, Authenticator authenticator, Pop3Options options, TimeProvider time, ILogger<Pop3ConnectionHandler> logger) : IConnectionHandler
{
    public async Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        _ = (store, authenticator, options, time, logger);
        await connection.Output.WriteAsync("-ERR [SYS/TEMP] EdgeMail: the POP3 service is not available in this build\r\n"u8.ToArray(), stopping).ConfigureAwait(false);
        await connection.Output.FlushAsync(stopping).ConfigureAwait(false);
    }
}
