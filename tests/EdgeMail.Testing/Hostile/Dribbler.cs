using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Testing.Hostile;

/// <summary>
/// A slowloris client: after the greeting it sends <c>text</c> one byte every <c>interval</c>, over and over, and
/// collects every line the server sends, until the server closes the connection. Whole lines dribbled this way each
/// arrive within any per-line timeout; only a deadline over the whole phase ends them.
/// </summary>
public static class Dribbler
{
    /// <summary>Dribbles until the server closes or <paramref name="limit"/> passes; returns the lines read and when it ended.</summary>
    public static async Task<(IReadOnlyList<string> Lines, bool Closed, TimeSpan Elapsed)> RunAsync(
        string from, int port, string text, TimeSpan interval, TimeSpan limit, CancellationToken cancellationToken = default)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(limit);
        var watch = Stopwatch.StartNew();
        var lines = new List<string>();
        var reading = ReadLinesAsync(socket, lines, stop.Token);
        var bytes = Encoding.ASCII.GetBytes(text);
        try
        {
            for (var i = 0; !reading.IsCompleted; i = (i + 1) % bytes.Length)
            {
                await socket.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None, stop.Token).ConfigureAwait(false);

                // Kept: the client's own pace is the attack, on the real clock the server's deadline runs on.
                await Task.WhenAny(reading, Task.Delay(interval, stop.Token)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }

        var closed = await reading.ConfigureAwait(false);
        return (lines, closed, watch.Elapsed);
    }

    // True when the server closed the connection, false when the limit passed first.
    private static async Task<bool> ReadLinesAsync(Socket socket, List<string> lines, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var pending = new StringBuilder();
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return true;
                }

                pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
                var text = pending.ToString();
                int lf;
                while ((lf = text.IndexOf('\n', StringComparison.Ordinal)) >= 0)
                {
                    lock (lines)
                    {
                        lines.Add(text[..lf].TrimEnd('\r'));
                    }

                    text = text[(lf + 1)..];
                }

                pending.Clear().Append(text);
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
