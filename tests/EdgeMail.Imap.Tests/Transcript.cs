using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Imap.Tests;

/// <summary>
/// A raw IMAP connection for transcript tests: send exactly these bytes, read until the tagged reply, and see
/// every untagged line in the order the server wrote it. Literals in responses are read whole and kept inline.
/// </summary>
public sealed class Transcript : IAsyncDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private Transcript(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public string Greeting { get; private set; } = string.Empty;

    /// <summary>Connects to the plain port, reads the greeting and, unless told not to, logs in.</summary>
    public static Task<Transcript> ConnectAsync(ImapServer server, bool login = true) => ConnectAsync(server.Port, login);

    /// <summary>Connects to an IMAP port of another fixture whose user is <see cref="ImapServer.User"/>.</summary>
    public static async Task<Transcript> ConnectAsync(int port, bool login = true)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var t = new Transcript(client);
        t.Greeting = await t.ReadLineAsync() ?? throw new IOException("no greeting");
        if (login)
        {
            var reply = await t.CommandAsync("L0 LOGIN \"" + ImapServer.User + "\" \"" + ImapServer.Password + "\"");
            Assert.StartsWith("L0 OK", reply[^1]);
        }

        return t;
    }

    /// <summary>Sends one line (CRLF added) and returns every response line up to and including the tagged one.</summary>
    public async Task<List<string>> CommandAsync(string line)
    {
        var tag = line.Split(' ', 2)[0];
        await SendAsync(line + "\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    /// <summary>APPENDs <paramref name="message"/> (CRLF line ends) to <paramref name="mailbox"/> as a LITERAL+ literal; asserts OK.</summary>
    public async Task AppendAsync(string mailbox, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n"));
        await SendAsync([.. Encoding.ASCII.GetBytes($"ap APPEND {mailbox} {{{bytes.Length}+}}\r\n"), .. bytes, (byte)'\r', (byte)'\n']);
        var reply = await ReadUntilTaggedAsync("ap");
        Assert.True(reply[^1].StartsWith("ap OK", StringComparison.Ordinal), string.Join("\n", reply));
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Reads lines until one starts with "tag ", returning all of them; throws if the server closes first.</summary>
    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("connection closed after: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>One response line without its CRLF, with any literal it announces appended; null at end of stream.</summary>
    public async Task<string?> ReadLineAsync()
    {
        var text = new StringBuilder();
        while (true)
        {
            var raw = await ReadRawLineAsync();
            if (raw is null)
            {
                return text.Length > 0 ? text.ToString() : null;
            }

            text.Append(raw);
            var m = System.Text.RegularExpressions.Regex.Match(raw, @"~?\{(\d+)\}$");
            if (!m.Success)
            {
                return text.ToString();
            }

            var literal = await ReadBytesAsync(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            text.Append("\r\n").Append(Encoding.Latin1.GetString(literal));
        }
    }

    /// <summary>Whether the server closed the connection (reads to the end, within the timeout).</summary>
    public async Task<bool> IsClosedAsync()
    {
        try
        {
            while (await ReadRawLineAsync() is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string?> ReadRawLineAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.Latin1.GetString(span[..lf]).TrimEnd('\r');
                _start += lf + 1;
                return line;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count)
    {
        var result = new byte[count];
        var have = 0;
        while (have < count)
        {
            if (_end == _start && !await FillAsync())
            {
                throw new IOException("connection closed inside a literal");
            }

            var n = Math.Min(count - have, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(have));
            _start += n;
            have += n;
        }

        return result;
    }

    private async Task<bool> FillAsync()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        var n = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        if (n == 0)
        {
            return false;
        }

        _end += n;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
