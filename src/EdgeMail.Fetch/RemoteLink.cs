using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using EdgeMail.Store.Fetch;
using MailKit;
using MailKit.Security;

namespace EdgeMail.Fetch;

/// <summary>
/// The connection to a provider, as both fetchers make it: a socket of our own (so that the Received line can name
/// the provider's address), then MailKit's TLS on it, TLS 1.2 or 1.3 only. The certificate is checked against the
/// system's trust store and the host name unless the account says --insecure-tls. Revocation is not checked: the
/// box may be offline from everything but the provider, as Dovecot's and fetchmail's defaults are.
/// </summary>
internal sealed class RemoteLink
{
    public IPAddress? RemoteAddress { get; private set; }

    /// <summary>The TLS version and cipher suite, for the Received line.</summary>
    public string? TlsDescription { get; private set; }

    public async Task ConnectAsync(MailService client, FetchAccount account, FetchOptions options, CancellationToken cancellationToken)
    {
        client.Timeout = (int)Math.Min(int.MaxValue, options.Timeout.TotalMilliseconds);
        client.CheckCertificateRevocation = false;
        client.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        if (account.InsecureTls)
        {
            client.ServerCertificateValidationCallback = static (_, _, _, _) => true;
        }

        var socket = await OpenSocketAsync(account.Host, account.Port, options.Timeout, cancellationToken).ConfigureAwait(false);
        RemoteAddress = (socket.RemoteEndPoint as IPEndPoint)?.Address;
        try
        {
            var security = account.Security == FetchSecurity.Tls ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
            await client.ConnectAsync(socket, account.Host, account.Port, security, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        TlsDescription = client.IsSecure ? $"using {Describe(client.SslProtocol)} with cipher {client.SslCipherSuite}" : null;
    }

    private static string Describe(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        _ => protocol.ToString(),
    };

    /// <summary>Each address of the host in turn, IPv6 and IPv4 as the resolver orders them, within the timeout.</summary>
    private static async Task<Socket> OpenSocketAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the name {host} did not resolve within {timeout.TotalSeconds:0} s");
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), deadline.Token).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new TimeoutException($"{host}:{port} did not answer within {timeout.TotalSeconds:0} s");
            }
        }

        throw last!;
    }
}
