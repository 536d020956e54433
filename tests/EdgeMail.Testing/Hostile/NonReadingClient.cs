using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Testing.Hostile;

/// <summary>
/// A client that pipelines commands over and over and never reads a byte of the answers, with a small receive buffer
/// (4 KiB) so that the server's answers back up soon: the kernel buffers fill and every write of the server waits.
/// A server that buffered the answers itself would grow without bound; one that waits forever would give the slot
/// to this client for good. <see cref="FloodAsync"/> sends until the server drops the connection or time runs out.
/// </summary>
public sealed class NonReadingClient : IDisposable
{
    private readonly Socket _socket;

    private NonReadingClient(Socket socket) => _socket = socket;

    public static async Task<NonReadingClient> ConnectAsync(string from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
            await socket.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
            return new NonReadingClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="preamble"/> once (a login, as pipelined commands too) and then <paramref name="pipeline"/>
    /// again and again, reading nothing, until a send fails (the server reset or closed the connection) or
    /// <paramref name="limit"/> passes.
    /// </summary>
    public async Task<FloodOutcome> FloodAsync(string preamble, string pipeline, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        long sent = 0;
        var lastProgress = TimeSpan.Zero;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        var chunk = Encoding.ASCII.GetBytes(pipeline);
        try
        {
            sent += await _socket.SendAsync(Encoding.ASCII.GetBytes(preamble), SocketFlags.None, timeout.Token).ConfigureAwait(false);
            while (true)
            {
                sent += await _socket.SendAsync(chunk, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                lastProgress = watch.Elapsed;
            }
        }
        catch (SocketException)
        {
            return new FloodOutcome(sent, true, watch.Elapsed, watch.Elapsed - lastProgress);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FloodOutcome(sent, false, watch.Elapsed, watch.Elapsed - lastProgress);
        }
    }

    public void Dispose() => _socket.Dispose();
}
