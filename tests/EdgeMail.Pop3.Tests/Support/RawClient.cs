using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeMail.Pop3.Tests.Support;

/// <summary>A raw POP3 connection for transcript tests: exact bytes out, lines in, with a timeout on every read.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<string> _transcript = [];
    private byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private RawClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public string Transcript => string.Join("\n", _transcript);

    public static async Task<RawClient> ConnectAsync(int port, bool implicitTls = false)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        Stream stream = tcp.GetStream();
        var client = new RawClient(tcp, stream);
        if (implicitTls)
        {
            await client.StartTlsAsync();
        }

        return client;
    }

    /// <summary>Connects, reads the greeting and logs in with USER/PASS.</summary>
    public static async Task<RawClient> LoginAsync(int port, string user = Pop3Server.User, string password = Pop3Server.Password)
    {
        var client = await ConnectAsync(port);
        await client.ExpectLineAsync("+OK*");
        await client.ExpectAsync("USER " + user, "+OK*");
        await client.ExpectAsync("PASS " + password, "+OK*");
        return client;
    }

    /// <summary>Logs in, retrying while the previous session still holds the maildrop (it releases it when it sees the close).</summary>
    public static async Task<RawClient> LoginWhenFreeAsync(int port)
    {
        // The server releases the lock when it sees the close; give it a moment.
        for (var attempt = 0; ; attempt++)
        {
            var client = await ConnectAsync(port);
            await client.ExpectLineAsync("+OK*");
            await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
            var reply = await client.ExpectAsync("PASS " + Pop3Server.Password, "*");
            if (reply.StartsWith("+OK", StringComparison.Ordinal))
            {
                return client;
            }

            await client.DisposeAsync();
            if (attempt == 50 || !reply.Contains("[IN-USE]", StringComparison.Ordinal))
            {
                throw new Xunit.Sdk.XunitException("login failed: " + reply);
            }

            await Task.Delay(100);
        }
    }

    public async Task StartTlsAsync()
    {
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
    }

    public async Task SendAsync(string text)
    {
        _transcript.Add("C: " + text.TrimEnd('\r', '\n'));
        await SendRawAsync(Encoding.UTF8.GetBytes(text));
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends a command line and checks the status line against a wildcard pattern ("*" matches anything).</summary>
    public async Task<string> ExpectAsync(string command, string pattern)
    {
        await SendAsync(command + "\r\n");
        return await ExpectLineAsync(pattern);
    }

    public async Task<string> ExpectLineAsync(string pattern)
    {
        var line = await ReadLineAsync() ?? throw new Xunit.Sdk.XunitException($"connection closed, expected {pattern}\n{Transcript}");
        var regex = "^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal) + "$";
        if (!Regex.IsMatch(line, regex, RegexOptions.Singleline))
        {
            throw new Xunit.Sdk.XunitException($"expected {pattern}, got {line}\n{Transcript}");
        }

        return line;
    }

    /// <summary>The lines of a multi-line response up to (not including) the "." line, still byte-stuffed.</summary>
    public async Task<List<string>> ReadMultiLineAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new Xunit.Sdk.XunitException("connection closed in a multi-line response\n" + Transcript);
            if (line == ".")
            {
                return lines;
            }

            lines.Add(line);
        }
    }

    /// <summary>The raw bytes of a multi-line response's body, CRLFs included, up to the terminating ".\r\n".</summary>
    public async Task<byte[]> ReadMultiLineBytesAsync()
    {
        var result = new MemoryStream();
        while (true)
        {
            var line = await ReadLineBytesAsync() ?? throw new Xunit.Sdk.XunitException("connection closed in a multi-line response\n" + Transcript);
            if (line.AsSpan().SequenceEqual(".\r\n"u8))
            {
                return result.ToArray();
            }

            result.Write(line);
        }
    }

    /// <summary>A line without its CRLF, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var bytes = await ReadLineBytesAsync();
        if (bytes is null)
        {
            return null;
        }

        var line = Encoding.UTF8.GetString(bytes).TrimEnd('\n').TrimEnd('\r');
        _transcript.Add("S: " + line);
        return line;
    }

    /// <summary>True when the server closes the connection (reads to the end, within the timeout).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            return await ReadLineBytesAsync() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<byte[]?> ReadLineBytesAsync()
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = _buffer[_start..(lf + 1)];
                _start = lf + 1;
                return line;
            }

            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            using var timeout = new CancellationTokenSource(ReadTimeout);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
