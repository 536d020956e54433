using System.Text;
using EdgeMail.Net;

namespace EdgeMail.Hosting;

/// <summary>
/// Holds a protocol's ports until its server is built: the client gets that protocol's own
/// "service not available" greeting and the connection is closed, so clients fail fast and clearly
/// instead of hanging. Replaced by the IMAP, POP3 and SMTP connection handlers.
/// </summary>
internal sealed class UnavailableProtocolHandler(string greeting) : IConnectionHandler
{
    /// <summary>RFC 5321 §3.8 421, RFC 3463 4.3.2 system not accepting messages.</summary>
    public static readonly UnavailableProtocolHandler Smtp = new("421 4.3.2 EdgeMail: the SMTP service is not available in this build\r\n");

    private readonly byte[] _greeting = Encoding.ASCII.GetBytes(greeting);

    public async Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        await connection.Output.WriteAsync(_greeting, stopping).ConfigureAwait(false);
        await connection.Output.FlushAsync(stopping).ConfigureAwait(false);
    }
}
