using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using EdgeMail.Net;

namespace EdgeMail.Pop3.Tests.Support;

/// <summary>The client's end of an in-memory connection, for handler tests that need a remote address or a manual clock.</summary>
internal sealed class PipeClient
{
    private readonly IDuplexPipe _pipe;

    private PipeClient(IDuplexPipe pipe, MailConnection connection)
    {
        _pipe = pipe;
        Connection = connection;
    }

    public MailConnection Connection { get; }

    public static PipeClient Create(IPEndPoint remote, TimeProvider? time = null)
    {
        var connection = MailConnection.CreateInMemory(out var pipe, remote, timeProvider: time);
        return new PipeClient(pipe, connection);
    }

    public async Task SendAsync(string line)
    {
        await _pipe.Output.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
    }

    public async Task<string> ExpectAsync(string command, string prefix)
    {
        await SendAsync(command);
        return await ExpectLineAsync(prefix);
    }

    public async Task<string> ExpectLineAsync(string prefix)
    {
        var line = await ReadLineAsync() ?? throw new Xunit.Sdk.XunitException($"closed, expected {prefix}");
        Assert.StartsWith(prefix, line, StringComparison.Ordinal);
        return line;
    }

    public async Task<List<string>> ReadMultiLineAsync()
    {
        var lines = new List<string>();
        while (await ReadLineAsync() is { } line && line != ".")
        {
            lines.Add(line);
        }

        return lines;
    }

    /// <summary>A line, or null once the server has completed its output (closed).</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var result = await _pipe.Input.ReadAsync(timeout.Token);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is { } end)
            {
                var line = Encoding.UTF8.GetString(buffer.Slice(0, end).ToArray()).TrimEnd('\r');
                _pipe.Input.AdvanceTo(buffer.GetPosition(1, end));
                return line;
            }

            _pipe.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }
}
