using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EdgeMail.Smtp.Tests.Support;

/// <summary>A raw-socket client for transcript tests; every wait is bounded.</summary>
internal sealed class SmtpTranscript : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private SmtpTranscript(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<SmtpTranscript> ConnectAsync(int port, string expectGreeting = "220 *")
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var transcript = new SmtpTranscript(client);
        await transcript.ExpectAsync(expectGreeting);
        return transcript;
    }

    public async Task SendAsync(string text) => await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes) => await _stream.WriteAsync(bytes);

    /// <summary>EHLO, MAIL FROM and RCPT TO, each answered 250: a transaction open for DATA or BDAT.</summary>
    public async Task OpenTransactionAsync(string helo, string from, string to)
    {
        await ExpectAsync("EHLO " + helo, "250 *");
        await ExpectAsync($"MAIL FROM:<{from}>", "250 *");
        await ExpectAsync($"RCPT TO:<{to}>", "250 *");
    }

    /// <summary>Sends a command line and checks the reply's last line against a pattern ("250 *").</summary>
    public async Task<string> ExpectAsync(string command, string pattern)
    {
        await SendAsync(command + "\r\n");
        return await ExpectAsync(pattern);
    }

    /// <summary>Reads one whole reply (all its lines) and checks its last line against a pattern with a trailing *.</summary>
    public async Task<string> ExpectAsync(string pattern)
    {
        var reply = await ReadReplyAsync();
        var last = reply.Split("\r\n")[^1];
        var matches = pattern.EndsWith('*') ? last.StartsWith(pattern[..^1], StringComparison.Ordinal) : last == pattern;
        Assert.True(matches, $"expected '{pattern}', got '{reply}'");
        return reply;
    }

    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new IOException("the server closed the connection; so far: " + string.Join(" | ", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
            {
                return string.Join("\r\n", lines);
            }
        }
    }

    /// <summary>True when the server closed the connection (reads nothing more within the timeout otherwise false).</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return await ReadLineAsync() is null;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<string?> ReadLineAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[4096];
        while (true)
        {
            var lf = _pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, lf).ToArray()).TrimEnd('\r');
                _pending.RemoveRange(0, lf + 1);
                return line;
            }

            var read = await _stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
