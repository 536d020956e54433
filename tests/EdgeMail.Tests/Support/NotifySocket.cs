using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace EdgeMail.Tests.Support;

/// <summary>
/// The service manager's end of sd_notify(3): an AF_UNIX datagram socket at <see cref="Path"/> (what NOTIFY_SOCKET
/// names), each datagram one or more newline-separated assignments such as READY=1, read as they come.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Channel<string> _states = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _closing = new();
    private readonly List<string> _seen = [];

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _ = ReceiveAsync();
    }

    public string Path { get; }

    /// <summary>Every assignment received so far, in order.</summary>
    public IReadOnlyList<string> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>Reads on until <paramref name="state"/> arrives and returns what came before it since the last call; fails naming everything received.</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(string state, TimeSpan timeout)
    {
        var before = new List<string>();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var next = await _states.Reader.ReadAsync(deadline.Token);
                if (next == state)
                {
                    return before;
                }

                before.Add(next);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"no {state} within {timeout.TotalSeconds} s; received: {string.Join(", ", Seen)}");
        }
    }

    public void Dispose()
    {
        _closing.Cancel();
        _socket.Dispose();
        File.Delete(Path);
        _closing.Dispose();
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, _closing.Token);
                foreach (var state in Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    lock (_seen)
                    {
                        _seen.Add(state);
                    }

                    _states.Writer.TryWrite(state);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            _states.Writer.TryComplete();
        }
    }
}
