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

    /// <summary>
    /// RFC 8305 §5 (Happy Eyeballs): how long an attempt has alone before the next address is tried beside it; the
    /// RFC's recommended default.
    /// </summary>
    internal static readonly TimeSpan ConnectionAttemptDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Every address of the host, IPv6 and IPv4 as the resolver orders them, within the timeout.</summary>
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

        try
        {
            return await ConnectAsync(addresses.Select(a => new IPEndPoint(a, port)).ToList(), ConnectionAttemptDelay, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{host}:{port} did not answer within {timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// The first of <paramref name="endpoints"/> to connect, tried in their order: each attempt has
    /// <paramref name="attemptDelay"/> alone before the next starts beside it, and a refusal moves on at once (RFC 8305
    /// §5). An address that never answers (IPv6 routed but broken upstream, one dead server among a provider's A
    /// records) so costs a quarter of a second rather than the whole timeout, after which no other address would be
    /// tried. The attempts that lose are cancelled and their sockets closed.
    /// </summary>
    internal static async Task<Socket> ConnectAsync(IReadOnlyList<IPEndPoint> endpoints, TimeSpan attemptDelay, CancellationToken cancellationToken)
    {
        using var losers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var attempts = new List<Task<Socket>>();
        var next = 0;
        SocketException? last = null;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (next < endpoints.Count)
                {
                    attempts.Add(ConnectOneAsync(endpoints[next++], losers.Token));
                }
                else if (attempts.Count == 0)
                {
                    throw last ?? new SocketException((int)SocketError.HostNotFound);
                }

                var wait = Task.Delay(next < endpoints.Count ? attemptDelay : Timeout.InfiniteTimeSpan, losers.Token);
                var done = await Task.WhenAny([.. attempts, wait]).ConfigureAwait(false);
                if (done is Task<Socket> attempt)
                {
                    attempts.Remove(attempt);
                    try
                    {
                        return await attempt.ConfigureAwait(false);
                    }
                    catch (SocketException ex)
                    {
                        last = ex;
                    }
                }
            }
        }
        finally
        {
            await losers.CancelAsync().ConfigureAwait(false);
            foreach (var attempt in attempts)
            {
                // One that connected in the same instant as the winner is closed; the others end cancelled.
                _ = attempt.ContinueWith(static a =>
                {
                    if (a.IsCompletedSuccessfully)
                    {
                        a.Result.Dispose();
                    }
                    else
                    {
                        _ = a.Exception;
                    }
                }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    private static async Task<Socket> ConnectOneAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
