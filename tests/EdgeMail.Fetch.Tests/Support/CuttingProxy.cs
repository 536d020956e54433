using System.Net;
using System.Net.Sockets;

namespace EdgeMail.Fetch.Tests.Support;

/// <summary>
/// A TCP proxy on loopback in front of the provider that cuts each connection once the provider has sent
/// <see cref="CutAfter"/> bytes through it (the link dropping mid-fetch); 0 or less forwards everything.
/// </summary>
internal sealed class CuttingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public CuttingProxy(int target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes from the provider after which a connection is cut (read at each new connection).</summary>
    public long CutAfter { get; set; }

    /// <summary>Connections cut so far.</summary>
    public int Cuts => _cuts;

    private int _cuts;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(client, CutAfter);
        }
    }

    private async Task RelayAsync(Socket client, long cutAfter)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target);
                using var both = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                var up = CopyAsync(client, server, long.MaxValue, both.Token);
                var down = CopyAsync(server, client, cutAfter > 0 ? cutAfter : long.MaxValue, both.Token);
                await Task.WhenAny(up, down);
                if (down.IsCompletedSuccessfully && down.Result)
                {
                    Interlocked.Increment(ref _cuts);
                }

                await both.CancelAsync();
                client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Copies until the end, or until <paramref name="limit"/> bytes went through (true: cut there).</summary>
    private static async Task<bool> CopyAsync(Socket from, Socket to, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long sent = 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), cancellationToken);
                if (read == 0)
                {
                    return false;
                }

                await to.SendAsync(buffer.AsMemory(0, read), cancellationToken);
                sent += read;
                if (sent >= limit)
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
