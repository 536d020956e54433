// RFC 5321 §4.1 (the commands a relaying client sends), §4.5.2 (dot-stuffing), §3.3 (DATA ends at CRLF.CRLF).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.CrashHarness;

/// <summary>
/// The upstream that EdgeMail relays to (Relay:Host): a small SMTP server of its own, in this process so that it
/// outlives every kill of the server. Each message is recorded before its 250 is written, with the server generation
/// it came from and the time; a DATA cut off before its final dot records nothing.
/// </summary>
internal sealed class RelaySink : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<SinkCopy> _copies = [];
    private readonly Stopwatch _clock;
    private readonly Task _accepting;
    private int _generation;

    public RelaySink(Stopwatch clock)
    {
        _clock = clock;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>The server instance now running: copies are tagged with it.</summary>
    public int Generation
    {
        get => Volatile.Read(ref _generation);
        set => Volatile.Write(ref _generation, value);
    }

    public List<SinkCopy> Copies()
    {
        lock (_copies)
        {
            return [.. _copies];
        }
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
                sessions.Add(Task.Run(() => ServeAsync(client)));
            }
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(sessions).ConfigureAwait(false);
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            var reader = new LineReader(stream);
            await WriteAsync(stream, "220 sink.crash.test ESMTP\r\n").ConfigureAwait(false);
            while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
            {
                var command = Encoding.ASCII.GetString(line).TrimEnd('\r', '\n');
                var verb = (command.Length >= 4 ? command[..4] : command).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await WriteAsync(stream, "250-sink.crash.test\r\n250 8BITMIME\r\n").ConfigureAwait(false);
                        break;
                    case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await WriteAsync(stream, "250 2.0.0 OK\r\n").ConfigureAwait(false);
                        break;
                    case "DATA":
                        await WriteAsync(stream, "354 go ahead\r\n").ConfigureAwait(false);
                        var message = await ReadDataAsync(reader).ConfigureAwait(false);
                        if (message is null)
                        {
                            return; // cut off before the final dot: nothing was delivered
                        }

                        Record(message);
                        await WriteAsync(stream, "250 2.0.0 queued\r\n").ConfigureAwait(false);
                        break;
                    case "QUIT":
                        await WriteAsync(stream, "221 2.0.0 bye\r\n").ConfigureAwait(false);
                        return;
                    default:
                        await WriteAsync(stream, "502 5.5.1 not here\r\n").ConfigureAwait(false);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server was killed mid-session, or the sink is stopping.
        }
    }

    private async Task<byte[]?> ReadDataAsync(LineReader reader)
    {
        using var body = new MemoryStream();
        while (await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false) is { } line)
        {
            if (line.AsSpan().SequenceEqual(".\r\n"u8))
            {
                return body.ToArray();
            }

            var start = line.Length > 0 && line[0] == (byte)'.' ? 1 : 0; // RFC 5321 §4.5.2: remove the stuffed dot
            body.Write(line, start, line.Length - start);
        }

        return null;
    }

    private void Record(byte[] message)
    {
        var rest = CrashMail.StripTrace(message, out var received);
        var copy = new SinkCopy(CrashMail.TokenOf(rest), Fingerprint.Of(rest), received, Generation, _clock.Elapsed);
        lock (_copies)
        {
            _copies.Add(copy);
        }
    }

    private static async Task WriteAsync(NetworkStream stream, string text) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text)).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
