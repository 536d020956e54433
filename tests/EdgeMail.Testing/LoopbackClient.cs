using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Testing;

/// <summary>
/// A text-protocol client over a real socket bound to a chosen loopback source address (all of 127.0.0.0/8 is
/// loopback on Linux), so a test can be many clients from many addresses: the throttle's tests, the hostile clients.
/// </summary>
public sealed class LoopbackClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private int _tag;

    private LoopbackClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    public static async Task<LoopbackClient> ConnectAsync(string from, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return new LoopbackClient(socket);
    }

    /// <summary>
    /// Connects while the throttle holds this address's greeting back: proves the server waits on a timer due exactly
    /// <paramref name="wait"/> from now with nothing sent, then steps the clock past it. The greeting is left to read.
    /// </summary>
    public static async Task<LoopbackClient> ConnectHeldAsync(string from, int port, ManualTimeProvider time, TimeSpan wait)
    {
        var due = time.GetUtcNow() + wait;
        var client = await ConnectAsync(from, port);
        await Eventually.TrueAsync(() => time.HasTimerDueAt(due), $"a greeting delay of {wait}");
        if (client.HasUnreadBytes)
        {
            throw new InvalidOperationException("the server greeted before its delay");
        }

        time.Advance(wait);
        return client;
    }

    public async Task SendAsync(string line)
    {
        var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
        try
        {
            await _stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The server closed first: the read that follows says so.
        }
    }

    /// <summary>Sends <paramref name="text"/> as it is, no CRLF added: a byte at a time, for a dribbling client.</summary>
    public async Task SendRawAsync(string text)
    {
        try
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
        }
        catch (IOException)
        {
        }
    }

    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            return await _reader.ReadLineAsync(timeout.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A POP3 line or an SMTP reply (its last line); "(closed)" if the server hung up instead.</summary>
    public async Task<string> ReadReplyAsync()
    {
        while (true)
        {
            var line = await ReadLineAsync() ?? "(closed)";
            if (line.Length < 4 || line[3] != '-' || !char.IsAsciiDigit(line[0]))
            {
                return line;
            }
        }
    }

    /// <summary>Sends a tagged IMAP command and returns its tagged reply; a continuation is answered with "*".</summary>
    public async Task<string> ImapAsync(string command, bool cancelChallenge = false)
    {
        var tag = "a" + ++_tag;
        await SendAsync(tag + " " + command);
        while (true)
        {
            var line = await ReadLineAsync() ?? "(closed)";
            if (line == "(closed)" || line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return line;
            }

            if (line.StartsWith('+') && cancelChallenge)
            {
                await SendAsync("*");
            }
        }
    }

    /// <summary>
    /// Whether bytes have arrived that no read has taken from the socket yet. Before the first read, false proves the
    /// server has sent nothing so far (a greeting held back by the throttle).
    /// </summary>
    public bool HasUnreadBytes => _socket.Available > 0;

    /// <summary>True when the server ends the connection now: only a BYE may come before the end.</summary>
    public async Task<bool> ClosesAsync()
    {
        while (true)
        {
            var line = await ReadLineAsync();
            if (line is null)
            {
                return true;
            }

            if (!line.StartsWith("* BYE", StringComparison.Ordinal))
            {
                return false;
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
