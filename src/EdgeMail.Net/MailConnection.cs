using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMail.Net;

/// <summary>
/// One client connection as a protocol handler sees it: who is talking, over which endpoint, and a pair of pipes.
/// After <see cref="UpgradeToTlsAsync"/> and <see cref="ReleasePipes"/> the pipes are new objects: read
/// <see cref="Input"/> and <see cref="Output"/> again rather than keeping them.
/// </summary>
public sealed class MailConnection : IAsyncDisposable
{
    // 4 KiB reads fit any command line in one or two reads and keep a busy connection's buffers in the pool's
    // smallest common bucket. With zero-byte reads the pipe rents a buffer only once data is waiting, so a
    // connection idling (IMAP IDLE for hours) holds none.
    private const int ReadBufferBytes = 4096;
    private const int MinimumReadBytes = 1024;
    private const int WriteBufferBytes = 4096;

    // Time given to the last flush and the TLS close_notify when the handler returns: a client that stopped
    // reading must not hold the connection open.
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket? _socket;
    private readonly Stream _transport;
    private readonly MemoryPool<byte> _pool;
    // Asked at each handshake, so a renewed certificate serves the next STARTTLS even on a connection opened before.
    private readonly Func<SslStreamCertificateContext>? _certificate;
    private readonly TimeSpan _handshakeTimeout;
    private readonly TimeProvider _time;
    private readonly ClientEventLog? _events;
    private SslStream? _tls;
    private LineReader? _lines;
    private PipeReader? _input;
    private PipeWriter? _output;
    private int _disposed;

    internal MailConnection(
        string id,
        string endpointName,
        IPEndPoint localEndPoint,
        IPEndPoint remoteEndPoint,
        Socket? socket,
        Stream transport,
        MemoryPool<byte> pool,
        Func<SslStreamCertificateContext>? certificate,
        TimeSpan handshakeTimeout,
        TimeProvider timeProvider,
        ClientEventLog? events = null)
    {
        Id = id;
        EndpointName = endpointName;
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        _socket = socket;
        _transport = transport;
        _pool = pool;
        _certificate = certificate;
        _handshakeTimeout = handshakeTimeout;
        _time = timeProvider;
        _events = events;
        (_input, _output) = CreatePipes(transport);
    }

    /// <summary>Unique id for logs, e.g. "0HNDA5R8V0J1K".</summary>
    public string Id { get; }

    /// <summary>The <see cref="ListenerEndpoint.Name"/> the client connected to.</summary>
    public string EndpointName { get; }

    public IPEndPoint LocalEndPoint { get; }

    public IPEndPoint RemoteEndPoint { get; }

    public PipeReader Input
    {
        get
        {
            EnsurePipes();
            return _input!;
        }
    }

    public PipeWriter Output
    {
        get
        {
            EnsurePipes();
            return _output!;
        }
    }

    /// <summary>
    /// Capped line reading over <see cref="Input"/>, with per-line deadlines and a phase deadline
    /// (<see cref="LineReader.SetDeadline"/>) that also bounds a STARTTLS handshake; follows STARTTLS.
    /// </summary>
    public LineReader Lines
    {
        get
        {
            EnsurePipes();
            return _lines ??= new LineReader(_input!, _time);
        }
    }

    /// <summary>TLS is established (implicit TLS, or after STARTTLS).</summary>
    public bool IsSecure => _tls is not null;

    /// <summary>
    /// The client connects from a loopback address. Protocols accept plaintext passwords only when
    /// <see cref="IsSecure"/> or this holds (RFC 9051 §6.2.3 LOGINDISABLED, RFC 4954 §4, RFC 8314 §3).
    /// </summary>
    public bool IsLoopback
    {
        get
        {
            var address = RemoteEndPoint.Address;
            return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }
    }

    /// <summary>STARTTLS can be offered: a certificate is configured and TLS is not yet on.</summary>
    public bool CanUpgradeToTls => _certificate is not null && _tls is null;

    /// <summary>The negotiated TLS version, or <see cref="SslProtocols.None"/> (for Received headers, RFC 8314 §4.4).</summary>
    public SslProtocols TlsProtocol => _tls?.SslProtocol ?? SslProtocols.None;

    /// <summary>The negotiated cipher suite, or null without TLS.</summary>
    public TlsCipherSuite? TlsCipherSuite => _tls?.NegotiatedCipherSuite;

    /// <summary>
    /// A connection over memory, for unit tests of protocol handlers: <paramref name="client"/> is the peer's end
    /// (write commands to its Output, read replies from its Input). With a certificate, STARTTLS works too.
    /// </summary>
    public static MailConnection CreateInMemory(
        out IDuplexPipe client,
        IPEndPoint? remoteEndPoint = null,
        string endpointName = "memory",
        X509Certificate2? certificate = null,
        TimeProvider? timeProvider = null)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        client = new DuplexPipe(toClient.Reader, toServer.Writer);
        var context = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true);
        return new MailConnection(
            ConnectionId.Next(),
            endpointName,
            new IPEndPoint(IPAddress.Loopback, 0),
            remoteEndPoint ?? new IPEndPoint(IPAddress.Loopback, 0),
            socket: null,
            new DuplexPipeStream(toServer.Reader, toClient.Writer),
            MemoryPool<byte>.Shared,
            context is null ? null : () => context,
            TimeSpan.FromSeconds(30),
            timeProvider ?? TimeProvider.System);
    }

    /// <summary>
    /// Starts TLS after the protocol has consumed the STARTTLS command and written its go-ahead
    /// (RFC 3207 §4 <c>220</c>, RFC 9051 §6.2.1 <c>OK</c>, RFC 2595 §4 <c>+OK</c>), which this flushes.
    /// Throws <see cref="StartTlsInjectionException"/> if the client already sent more bytes; the caller must then
    /// close the connection. Any other failure (handshake, <see cref="TimeoutException"/> after
    /// <see cref="NetOptions.TlsHandshakeTimeout"/>) also leaves the connection unusable.
    /// </summary>
    public async Task UpgradeToTlsAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_tls is not null)
        {
            throw new InvalidOperationException("TLS is already established on this connection.");
        }
        if (_certificate is null)
        {
            throw new InvalidOperationException("No server certificate is configured for this endpoint.");
        }

        // RFC 3207 §4.2, RFC 2595 §3.1: nothing from before the handshake may be acted on after it. Bytes the client
        // pipelined behind STARTTLS are such data (CVE-2011-0411); a client that does this is broken or hostile.
        if (Input.TryRead(out var pending))
        {
            bool injected = !pending.Buffer.IsEmpty;
            Input.AdvanceTo(pending.Buffer.Start);
            if (injected)
            {
                _events?.StartTlsInjection(Id, RemoteEndPoint, EndpointName);
                throw new StartTlsInjectionException();
            }
        }

        await Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await StartTlsCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when the client has sent something or closed the connection, holding no read buffer meanwhile: a
    /// zero-byte read on the transport beneath <see cref="Input"/>. For a session that waits long for one line (IMAP
    /// IDLE, for hours); it then reads <see cref="Input"/> as usual. Call it only while no read of
    /// <see cref="Input"/> is pending, and await it before reading <see cref="Input"/> again.
    /// </summary>
    public ValueTask<int> WaitForInputAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        _lines?.ReleaseForWait();
        if (HasBufferedInput())
        {
            return ValueTask.FromResult(0);
        }

        ReleasePipes();
        return (_tls ?? _transport).ReadAsync(Memory<byte>.Empty, cancellationToken);
    }

    /// <summary>
    /// Gives the pipes' buffers and bookkeeping (about 0.8 KiB) back while the connection waits, when they hold
    /// nothing: no unread input, no unflushed output. The next use of <see cref="Input"/>, <see cref="Output"/> or
    /// <see cref="Lines"/> makes new ones. Call it only while no read or flush is pending. True when the
    /// connection holds no pipes now (released by this call or before).
    /// </summary>
    public bool ReleasePipes()
    {
        if (_input is null || _output is null)
        {
            return true;
        }

        if ((_output.CanGetUnflushedBytes && _output.UnflushedBytes > 0) || HasBufferedInput())
        {
            return false;
        }

        // Created with leaveOpen: completing them keeps the transport.
        _input.Complete();
        _output.Complete();
        (_input, _output) = (null, null);
        _lines?.Detach();
        return true;
    }

    // Something the client sent is in the input pipe already (or its end, or a cancelled read to report).
    private bool HasBufferedInput()
    {
        if (_input is null || !_input.TryRead(out var buffered))
        {
            return false;
        }

        bool any = !buffered.Buffer.IsEmpty || buffered.IsCompleted || buffered.IsCanceled;
        _input.AdvanceTo(buffered.Buffer.Start);
        return any;
    }

    /// <summary>Flushes what the handler wrote (briefly), sends TLS close_notify, and closes the transport.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lines?.Dispose();
        bool flushed = false;
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, _time);
            if (_output is not null)
            {
                await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            flushed = true;
            if (_tls is not null)
            {
                // RFC 8446 §6.1: close_notify tells the client the close is not a truncation attack.
                await _tls.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
            // The client left, stopped reading, or the listener aborted the socket: closing is all that is left.
        }

        try
        {
            if (_input is not null && _output is not null)
            {
                await _input.CompleteAsync().ConfigureAwait(false);
                // Completing with an exception makes the writer drop unflushed bytes instead of blocking on them.
                await _output.CompleteAsync(flushed ? null : new OperationCanceledException("Connection closed.")).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsTransportFailure(ex))
        {
        }
        finally
        {
            _tls?.Dispose();
            _transport.Dispose();
            _socket?.Dispose();
        }
    }

    // Implicit TLS (RFC 8314 §3): the handshake before the first protocol byte.
    internal Task AuthenticateImplicitTlsAsync(CancellationToken cancellationToken) => StartTlsCoreAsync(cancellationToken);

    internal static bool IsTransportFailure(Exception ex) =>
        ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException
            or AuthenticationException or InvalidOperationException or TimeoutException;

    private async Task StartTlsCoreAsync(CancellationToken cancellationToken)
    {
        if (_certificate is null)
        {
            throw new InvalidOperationException("No server certificate is configured for this endpoint.");
        }

        // The plaintext pipes hold nothing now (checked above, or never read for implicit TLS); they were created
        // with leaveOpen, so completing them keeps the transport.
        await Input.CompleteAsync().ConfigureAwait(false);
        await Output.CompleteAsync().ConfigureAwait(false);

        var tls = new SslStream(_transport, leaveInnerStreamOpen: true);
        // STARTTLS inside a phase with a deadline (before login) gets no more than what is left of it.
        var limit = _lines?.ClampToDeadline(_handshakeTimeout) ?? _handshakeTimeout;
        using var timeout = new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.FromMilliseconds(1), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await tls.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = _certificate(),
                    // RFC 8996 deprecates TLS 1.0 and 1.1; RFC 8314 §4.1 asks mail services for TLS 1.2 or later.
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    AllowRenegotiation = false,
                },
                linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"The TLS handshake did not complete within {limit}.");
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _tls = tls;
        (_input, _output) = CreatePipes(tls);
        _lines?.Reset(_input);
    }

    private void EnsurePipes()
    {
        if (_input is null)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            (_input, _output) = CreatePipes(_tls ?? _transport);
            _lines?.Reset(_input);
        }
    }

    private (PipeReader, PipeWriter) CreatePipes(Stream stream) =>
        (PipeReader.Create(stream, new StreamPipeReaderOptions(_pool, ReadBufferBytes, MinimumReadBytes, leaveOpen: true, useZeroByteReads: true)),
         PipeWriter.Create(stream, new StreamPipeWriterOptions(_pool, WriteBufferBytes, leaveOpen: true)));
}
