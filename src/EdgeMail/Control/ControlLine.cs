using System.Buffers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Serialization.Metadata;

namespace EdgeMail.Control;

/// <summary>Reads and writes the channel's one JSON line, with the line capped at Control:MaxLineBytes.</summary>
internal static class ControlLine
{
    public static async Task WriteAsync<T>(Socket socket, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, type);
        var line = new byte[bytes.Length + 1];
        bytes.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        await socket.SendAsync(line, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next line without its LF; null if the peer closed first or the line is longer than the cap.</summary>
    public static async Task<string?> ReadAsync(Socket socket, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[4096];
        while (true)
        {
            var read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            var end = Array.IndexOf(chunk, (byte)'\n', 0, read);
            buffer.Write(chunk.AsSpan(0, end < 0 ? read : end));
            if (buffer.WrittenCount > maxBytes)
            {
                return null;
            }

            if (end >= 0)
            {
                return Encoding.UTF8.GetString(buffer.WrittenSpan);
            }
        }
    }
}
