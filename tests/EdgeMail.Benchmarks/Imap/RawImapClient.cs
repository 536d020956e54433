using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// A minimal IMAP client on a raw socket: it sends one command and reads until the tagged reply,
/// skipping literals and counting bytes, so that what is timed is the server, not a client's parser.
/// Untagged lines are decoded only when the caller asks for them (short replies such as SELECT).
/// </summary>
internal sealed class RawImapClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Stream _stream;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private int _tag;

    private RawImapClient(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
    }

    /// <summary>Bytes received since connecting (literal contents included).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Connects; <paramref name="noDelay"/> false leaves Nagle's algorithm on, as most mail clients do.</summary>
    public static async Task<RawImapClient> ConnectAsync(int port, bool tls, CancellationToken cancellationToken, bool noDelay = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = noDelay };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            Stream stream = new NetworkStream(socket, ownsSocket: false);
            if (tls)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                // Both servers use a self-signed certificate made for the run.
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, cancellationToken);
                stream = ssl;
            }

            var client = new RawImapClient(socket, stream);
            var greeting = await client.ReadLineAsync([], cancellationToken);
            if (!greeting.StartsWith("* OK", StringComparison.Ordinal))
            {
                throw new IOException($"unexpected greeting: {greeting}");
            }

            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<RawImapClient> LoginAsync(int port, bool tls, string user, string password, CancellationToken cancellationToken, bool noDelay = true)
    {
        var client = await ConnectAsync(port, tls, cancellationToken, noDelay);
        try
        {
            await client.CheckedAsync($"LOGIN \"{user}\" \"{password}\"", cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends a command and reads to its tagged reply, which it returns ("OK ...", "NO ...", "BAD ...").</summary>
    public async Task<string> CommandAsync(string command, List<string>? untagged, CancellationToken cancellationToken, ReadOnlyMemory<byte> literal = default)
    {
        var tag = "a" + (++_tag).ToString(CultureInfo.InvariantCulture);
        if (literal.IsEmpty)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes($"{tag} {command}\r\n"), cancellationToken);
        }
        else
        {
            // LITERAL+ (RFC 7888), which both servers announce: the literal follows without waiting for "+".
            var head = Encoding.UTF8.GetBytes($"{tag} {command} {{{literal.Length}+}}\r\n");
            var all = new byte[head.Length + literal.Length + 2];
            head.CopyTo(all, 0);
            literal.CopyTo(all.AsMemory(head.Length));
            all[^2] = (byte)'\r';
            all[^1] = (byte)'\n';
            await _stream.WriteAsync(all, cancellationToken);
        }

        await _stream.FlushAsync(cancellationToken);
        var prefix = tag + " ";
        while (true)
        {
            var line = await ReadLineAsync(untagged, cancellationToken, prefix);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }
    }

    /// <summary>
    /// APPEND with a synchronizing literal (RFC 9051 §4.3) the way Python's imaplib sends it: the command, then,
    /// after the server's "+", the message and its closing CRLF as two writes. Returns the tagged reply.
    /// </summary>
    public async Task<string> SynchronizingAppendAsync(string mailbox, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var tag = "a" + (++_tag).ToString(CultureInfo.InvariantCulture);
        var prefix = tag + " ";
        await _stream.WriteAsync(Encoding.UTF8.GetBytes($"{prefix}APPEND {mailbox} {{{message.Length}}}\r\n"), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        while (true)
        {
            var line = await ReadLineAsync(null, cancellationToken, prefix);
            if (line.StartsWith('+'))
            {
                break;
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        await _stream.WriteAsync(message, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        await _stream.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        while (true)
        {
            var line = await ReadLineAsync(null, cancellationToken, prefix);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }
    }

    /// <summary>A command that must answer OK; its tagged reply.</summary>
    public async Task<string> CheckedAsync(string command, CancellationToken cancellationToken, List<string>? untagged = null, ReadOnlyMemory<byte> literal = default)
    {
        var reply = await CommandAsync(command, untagged, cancellationToken, literal);
        if (!reply.StartsWith("OK", StringComparison.Ordinal))
        {
            throw new IOException($"{Redact(command)} answered {reply}");
        }

        return reply;
    }

    /// <summary>Starts IDLE (RFC 2177) and returns once the server has sent its continuation.</summary>
    public async Task IdleAsync(CancellationToken cancellationToken)
    {
        var tag = "a" + (++_tag).ToString(CultureInfo.InvariantCulture);
        await _stream.WriteAsync(Encoding.ASCII.GetBytes($"{tag} IDLE\r\n"), cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        while (true)
        {
            var line = await ReadLineAsync(null, cancellationToken, tag + " ");
            if (line.StartsWith('+'))
            {
                return;
            }

            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                throw new IOException($"IDLE answered {line}");
            }
        }
    }

    /// <summary>The next response line, decoded (in IDLE: the untagged news, such as "* 12 EXISTS").</summary>
    public Task<string> NextLineAsync(CancellationToken cancellationToken) => ReadLineAsync([], cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.DisposeAsync();
        }
        catch (IOException)
        {
            // The server may already have closed; nothing to report.
        }

        _socket.Dispose();
    }

    private static string Redact(string command) => command.StartsWith("LOGIN", StringComparison.Ordinal) ? "LOGIN ********" : command;

    /// <summary>
    /// Reads one response line, with its literals skipped (counted, not kept). The line is decoded
    /// and added to untagged when it is untagged and the caller asked; the tagged line and
    /// continuations are always decoded (a tagged line starts with tagPrefix).
    /// </summary>
    private async Task<string> ReadLineAsync(List<string>? untagged, CancellationToken cancellationToken, string? tagPrefix = null)
    {
        StringBuilder? kept = null;
        var first = true;
        var keep = false;
        while (true)
        {
            int eol;
            while ((eol = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var line = _buffer.AsSpan(_start, eol);
            if (first)
            {
                first = false;
                keep = untagged is not null || line.IsEmpty || line[0] != (byte)'*' ||
                    (tagPrefix is not null && line.StartsWith(Encoding.ASCII.GetBytes(tagPrefix)));
                if (keep)
                {
                    kept = new StringBuilder();
                }
            }

            kept?.Append(Encoding.UTF8.GetString(line));
            _start += eol + 2;
            var literal = LiteralLength(line);
            if (literal < 0)
            {
                var text = kept?.ToString() ?? "";
                if (untagged is not null && text.StartsWith('*'))
                {
                    untagged.Add(text);
                }

                return text;
            }

            // Skip the literal's bytes; the line continues after them.
            while (literal > 0)
            {
                if (_start == _end)
                {
                    await FillAsync(cancellationToken);
                }

                var take = (int)Math.Min(literal, _end - _start);
                _start += take;
                literal -= take;
            }
        }
    }

    private static long LiteralLength(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || line[^1] != (byte)'}')
        {
            return -1;
        }

        var open = line.LastIndexOf((byte)'{');
        if (open < 0)
        {
            return -1;
        }

        var digits = line[(open + 1)..^1];
        if (digits.Length > 0 && digits[^1] == (byte)'+')
        {
            digits = digits[..^1];
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0 && _start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            else
            {
                // One line longer than the buffer (UID SEARCH of a large mailbox): grow.
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (n == 0)
        {
            throw new IOException("the server closed the connection");
        }

        _end += n;
        BytesRead += n;
    }
}
