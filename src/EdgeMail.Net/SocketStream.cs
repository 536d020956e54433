using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace EdgeMail.Net;

/// <summary>
/// The transport of an accepted connection: a <see cref="NetworkStream"/> whose zero-byte read completes only
/// when there is something to read (or the connection ended). Zero-byte reads are how the pipes, SslStream and
/// IMAP IDLE wait without holding a buffer, but .NET's socket engine now and then completes one with nothing
/// to read (measured here: about one IDLE in six, within milliseconds of its start). Each reader then goes on to
/// a real read, renting a buffer (SslStream: up to a whole TLS record) that it holds for as long as the client
/// stays quiet, which for IDLE is hours. Checking readiness and waiting again keeps them empty-handed.
/// </summary>
internal sealed class SocketStream(Socket socket) : NetworkStream(socket, ownsSocket: true)
{
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        buffer.IsEmpty ? WaitUntilReadableAsync(cancellationToken) : base.ReadAsync(buffer, cancellationToken);

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
