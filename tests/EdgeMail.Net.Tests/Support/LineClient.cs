using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EdgeMail.Net.Tests.Support;

// A raw-socket client for transcript tests: send text, read CRLF lines, see the server close. Every wait is
// bounded, so a broken server fails the test instead of hanging it.
internal sealed class LineClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private Stream _stream;
    private int _start;
    private int _end;

    private LineClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public Socket Socket => _socket;

    public X509Certificate2? ServerCertificate { get; private set; }

    public SslProtocols? TlsProtocol => (_stream as SslStream)?.SslProtocol;

    public static async Task<LineClient> ConnectAsync(IPEndPoint server, IPAddress? from = null)
    {
        var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (from is not null)
            {
                socket.Bind(new IPEndPoint(from, 0));
            }
            await socket.ConnectAsync(server).WaitAsync(DefaultTimeout);
            return new LineClient(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static async Task<LineClient> ConnectTlsAsync(IPEndPoint server)
    {
        var client = await ConnectAsync(server);
        await client.StartTlsAsync();
        return client;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    /// <summary>The next line without CRLF; null when the server closed (or reset) the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            int lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                int length = lf - _start;
                if (length > 0 && _buffer[lf - 1] == '\r')
                {
                    length--;
                }
                string line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start = lf + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                throw new InvalidOperationException("Line longer than the test client's buffer.");
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"No complete line from the server within {timeout ?? DefaultTimeout}.");
            }
            catch (IOException)
            {
                return null;
            }
            if (read == 0)
            {
                return null;
            }
            _end += read;
        }
    }

    public async Task ExpectLineAsync(string expected, TimeSpan? timeout = null) =>
        Assert.Equal(expected, await ReadLineAsync(timeout));

    /// <summary>Reads until the server closes; returns the lines it sent meanwhile.</summary>
    public async Task<List<string>> ReadUntilClosedAsync(TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("The server did not close the connection.");
            }
            var line = await ReadLineAsync(left);
            if (line is null)
            {
                return lines;
            }
            lines.Add(line);
        }
    }

    public async Task StartTlsAsync()
    {
        Assert.Equal(_start, _end); // nothing may be pending in plaintext
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    ServerCertificate = certificate is null ? null : new X509Certificate2(certificate);
                    return true;
                },
            },
            timeout.Token);
        _stream = tls;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
