using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net;

/// <summary>
/// The transport of an accepted connection: a <see cref="NetworkStream"/> whose zero-byte read completes only
/// when there is something to read (or the connection ended). Zero-byte reads are how the pipes, SslStream and
/// IMAP IDLE wait without holding a buffer, but .NET's socket engine now and then completes one with nothing
/// to read (measured here: about one IDLE in six, within milliseconds of its start). Each reader then goes on to
/// a real read, renting a buffer (SslStream: up to a whole TLS record) that it holds for as long as the client
/// stays quiet, which for IDLE is hours. Checking readiness and waiting again keeps them empty-handed.
/// </summary>
/// <remarks>
/// With <c>quickAck</c>, every read that returns data acknowledges it at once (<see cref="NetOptions.TcpQuickAck"/>).
/// A write that waits longer than <c>sendTimeout</c> for the client to take data drops the connection
/// (<see cref="NetOptions.SendTimeout"/>). This stream is the one beneath SslStream too (MailConnection wraps it for
/// implicit TLS and STARTTLS), so TLS records are acknowledged and timed the same way.
/// </remarks>
internal sealed class SocketStream(Socket socket, bool quickAck, TimeSpan sendTimeout, TimeProvider time, ILogger? logger = null, string? connectionId = null)
    : NetworkStream(socket, ownsSocket: true)
{
    // Linux tcp(7): IPPROTO_TCP and TCP_QUICKACK (<netinet/tcp.h>), the same on every architecture.
    private const int IpProtoTcp = 6;
    private const int TcpQuickAckOption = 12;

    private readonly bool _quickAck = quickAck && OperatingSystem.IsLinux();
    private int _stalled;

    public SocketStream(Socket socket, bool quickAck)
        : this(socket, quickAck, Timeout.InfiniteTimeSpan, TimeProvider.System)
    {
    }

    /// <summary>A write waited out the send timeout and the connection was dropped.</summary>
    public bool SendTimedOut => Volatile.Read(ref _stalled) != 0;

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // Most writes fit the kernel's send buffer and complete at once; only one that has to wait gets a timer.
        var write = base.WriteAsync(buffer, cancellationToken);
        if (write.IsCompleted || sendTimeout == Timeout.InfiniteTimeSpan)
        {
            return write;
        }

        return WriteWithinTimeoutAsync(write);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteWithinTimeoutAsync(ValueTask write)
    {
        using (time.CreateTimer(static state => ((SocketStream)state!).Drop(), this, sendTimeout, Timeout.InfiniteTimeSpan))
        {
            try
            {
                await write.ConfigureAwait(false);
            }
            catch (Exception ex) when (SendTimedOut && ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                throw new IOException($"The client took no data for {sendTimeout}; the connection was dropped.", ex);
            }
        }
    }

    // The client has taken nothing for the whole send timeout (it pipelines and never reads, or it is gone without a
    // word). A reset rather than a FIN: a FIN would wait behind the unsent data that the client will never take, and
    // the kernel would keep that data and the connection for minutes more. Closing fails the pending send, which ends
    // the session as any vanished client does.
    private void Drop()
    {
        if (Interlocked.Exchange(ref _stalled, 1) != 0)
        {
            return;
        }

        try
        {
            logger?.SendTimedOut(connectionId ?? "?", (IPEndPoint)Socket.RemoteEndPoint!, sendTimeout);
            Socket.Close(0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return WaitUntilReadableAsync(cancellationToken);
        }

        var read = base.ReadAsync(buffer, cancellationToken);
        if (!_quickAck)
        {
            return read;
        }

        if (read.IsCompletedSuccessfully)
        {
            int count = read.Result;
            AcknowledgeIfRead(count);
            return ValueTask.FromResult(count);
        }

        return AcknowledgeAfterAsync(read);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AcknowledgeAfterAsync(ValueTask<int> read)
    {
        int count = await read.ConfigureAwait(false);
        AcknowledgeIfRead(count);
        return count;
    }

    // Linux tcp(7) TCP_QUICKACK: the kernel delays ACKs (up to 40 ms), and a client with Nagle on (imaplib,
    // smtplib: most clients never set TCP_NODELAY) holds a small write until its previous one is acknowledged.
    // An APPEND literal followed by its closing CRLF, two small writes with no reply between them, then waits
    // out the delayed ACK: 40 ms per APPEND. Dovecot sets TCP_QUICKACK after each read for the same reason.
    // Setting it sends the ACK now if one is pending; it is not sticky (the kernel leaves quick-ACK mode on its
    // own), hence once per read: one setsockopt, well under a microsecond.
    private void AcknowledgeIfRead(int count)
    {
        if (count <= 0)
        {
            return;
        }

        int on = 1;
        try
        {
            Socket.SetRawSocketOption(IpProtoTcp, TcpQuickAckOption, MemoryMarshal.AsBytes(new ReadOnlySpan<int>(ref on)));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The connection is ending (reset, or closed by the drain); the caller's next read says so.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitUntilReadableAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await base.ReadAsync(Memory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            try
            {
                // Readable means data, end of stream or an error, each of which the caller's next read reports.
                if (Socket.Poll(0, SelectMode.SelectRead))
                {
                    return 0;
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return 0;
            }
        }
    }
}
