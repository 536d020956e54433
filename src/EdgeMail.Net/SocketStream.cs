using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
/// This stream is the one beneath SslStream too (MailConnection wraps it for implicit TLS and STARTTLS), so TLS
/// records are acknowledged the same way.
/// </remarks>
internal sealed class SocketStream(Socket socket, bool quickAck) : NetworkStream(socket, ownsSocket: true)
{
    // Linux tcp(7): IPPROTO_TCP and TCP_QUICKACK (<netinet/tcp.h>), the same on every architecture.
    private const int IpProtoTcp = 6;
    private const int TcpQuickAckOption = 12;

    private readonly bool _quickAck = quickAck && OperatingSystem.IsLinux();

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
