using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Net;

/// <summary>
/// Listens on one <see cref="ListenerEndpoint"/> and runs its handler for each connection, on its own task. The
/// host registers one per endpoint (see <see cref="MailListenerServiceCollectionExtensions.AddMailListener"/>).
/// </summary>
/// <remarks>
/// Shutdown: the moment stopping begins (<see cref="IHostedLifecycleService.StoppingAsync"/>, which the host calls
/// on every service before stopping any, so all endpoints drain together), the socket closes and the handlers'
/// stopping token fires; each handler finishes its command and says goodbye. Connections still open after
/// <see cref="NetOptions.DrainTimeout"/> have their sockets closed under them. Stopping never waits on a client.
/// </remarks>
public sealed class MailListenerService : BackgroundService, IHostedLifecycleService
{
    // Linux caps this at net.core.somaxconn (4096 since 5.4); 512 absorbs a burst of clients reconnecting after
    // a network blip without the kernel dropping SYNs.
    private const int ListenBacklog = 512;

    // The "too many connections" reply is one line; a client that will not take it is not waited for.
    private static readonly TimeSpan RejectTimeout = TimeSpan.FromSeconds(5);

    // After the sockets are closed, handlers unwind within milliseconds; one stuck elsewhere is left behind.
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(1);

    // Out of file descriptors (EMFILE), accept fails at once; pausing keeps the loop from spinning until one frees.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);

    private readonly ListenerEndpoint _endpoint;
    private readonly ConnectionLimiter _limiter;
    // Refusals and STARTTLS injections, which a stranger can repeat at will: logged once per address per minute.
    private readonly ClientEventLog _events;
    private readonly bool _ownsEvents;
    private readonly NetOptions _options;
    // One delegate for all connections; it reads the provider's current context at each handshake.
    private readonly Func<SslStreamCertificateContext>? _certificateContext;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly MemoryPool<byte> _pool;
    private readonly TaskCompletionSource<IPEndPoint> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Never disposed: handlers may still hold its token when a stuck one is left behind at shutdown.
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private Socket? _listenSocket;
    private int _stopBegun;
    private long _stopStarted;
    private volatile bool _aborting;

    // Open connections plus one for the accept loop, so that the count reaches zero only once accepting has ended.
    private int _active = 1;

    public MailListenerService(
        ListenerEndpoint endpoint,
        ConnectionLimiter limiter,
        IOptions<NetOptions> options,
        ILogger<MailListenerService> logger,
        CertificateProvider? certificates = null,
        TimeProvider? timeProvider = null,
        ClientEventLog? events = null)
        : this(endpoint, limiter, options.Value, logger, certificates, timeProvider, MemoryPool<byte>.Shared, events)
    {
    }

    internal MailListenerService(
        ListenerEndpoint endpoint,
        ConnectionLimiter limiter,
        NetOptions options,
        ILogger logger,
        CertificateProvider? certificates,
        TimeProvider? timeProvider,
        MemoryPool<byte> pool,
        ClientEventLog? events = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentOutOfRangeException.ThrowIfNegative(endpoint.Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endpoint.Port, IPEndPoint.MaxPort);
        if (endpoint.TlsMode == TlsMode.Implicit && certificates is null)
        {
            throw new ArgumentException($"Endpoint '{endpoint.Name}' uses implicit TLS but no certificate was given.", nameof(certificates));
        }
        _endpoint = endpoint;
        _limiter = limiter;
        _options = options;
        _logger = logger;
        _certificateContext = certificates is null ? null : () => certificates.Context;
        _time = timeProvider ?? TimeProvider.System;
        _pool = pool;

        // The host gives every listener one (per-address counts across the endpoints); alone, a listener has its own.
        _ownsEvents = events is null;
        _events = events ?? new ClientEventLog(logger, _time, 10_000);
    }

    public ListenerEndpoint Endpoint => _endpoint;

    /// <summary>Completes with the bound address and port once listening (the real port when configured as 0).</summary>
    public Task<IPEndPoint> Started => _started.Task;

    /// <summary>The bound address and port, or null before <see cref="StartAsync"/>.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <summary>Connections of this endpoint that are open now, including ones being refused.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Binds the socket before returning, so that a port in use fails the host's start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            Bind();
        }
        catch (Exception ex)
        {
            _started.TrySetException(ex);
            throw;
        }
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _listenSocket?.Dispose();
        if (_ownsEvents)
        {
            _events.Dispose();
        }

        base.Dispose();
    }

    Task IHostedLifecycleService.StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IHostedLifecycleService.StoppingAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        return Task.CompletedTask;
    }

    Task IHostedLifecycleService.StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using (stoppingToken.Register(static state => ((MailListenerService)state!).BeginStopping(), this))
        {
            await AcceptLoopAsync().ConfigureAwait(false);
            BeginStopping();
            await DrainAsync().ConfigureAwait(false);
        }
    }

    private void Bind()
    {
        var address = _endpoint.Address;
        var endPoint = new IPEndPoint(address, _endpoint.Port);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // IPV6_V6ONLY: "::" means IPv6 only, whatever net.ipv6.bindv6only says, so that binding 0.0.0.0
                // and :: side by side (NetOptions.Bind "*") never collides.
                socket.DualMode = false;
            }
            // No ReuseAddress option: on Unix .NET already sets SO_REUSEADDR before bind (a restart need not wait out
            // TIME_WAIT), and the option would add SO_REUSEPORT, letting a second process share the port unnoticed.
            socket.Bind(endPoint);
            socket.Listen(ListenBacklog);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            string hint = ex.SocketErrorCode == SocketError.AccessDenied && _endpoint.Port < 1024
                ? " (ports below 1024 need CAP_NET_BIND_SERVICE)"
                : "";
            throw new IOException($"{_endpoint.Name}: cannot listen on {endPoint}: {ex.Message}{hint}", ex);
        }

        _listenSocket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _started.TrySetResult(LocalEndPoint);
        _logger.Listening(_endpoint.Name, LocalEndPoint, _endpoint.TlsMode);
    }

    private async Task AcceptLoopAsync()
    {
        var listenSocket = _listenSocket!;
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listenSocket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                // The client gave up while still in the backlog.
                continue;
            }
            catch (SocketException ex)
            {
                _logger.AcceptFailed(_endpoint.Name, ex);
                try
                {
                    await Task.Delay(AcceptRetryDelay, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }

            Interlocked.Increment(ref _active);
            _connections.TryAdd(socket, 0);
            // Off the accept loop at once: nothing a connection does, even before its first await, delays the next accept.
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Service.RunConnectionAsync(state.Socket), (Service: this, Socket: socket), preferLocal: false);
        }
    }

    // One async method for the whole life of a connection (no nested ones): a thousand IMAP clients in IDLE each
    // hold this method's state for hours, so every level of awaiting costs a kilobyte and more per thousand.
    // One async method for the whole life of a connection, with no nested ones: a thousand IMAP clients in IDLE
    // each hold this method's state for hours, so every level of awaiting costs its state machine a thousand times.
    private async Task RunConnectionAsync(Socket socket)
    {
        string id = ConnectionId.Next();
        try
        {
            IPEndPoint remote;
            MailConnection connection;
            try
            {
                remote = (IPEndPoint)socket.RemoteEndPoint!;
                var local = (IPEndPoint)socket.LocalEndPoint!;
                // One flush per command (CONVENTIONS §2.6): Nagle would only delay replies to pipelined commands.
                socket.NoDelay = true;
                connection = new MailConnection(
                    id, _endpoint.Name, local, remote, socket, new SocketStream(socket, _options.TcpQuickAck, _options.SendTimeout, _time, _logger, id),
                    _pool, _certificateContext, _options.TlsHandshakeTimeout, _time, _events);
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // Reset before we looked at it (a port scanner's half-open probe, for instance).
                _logger.ConnectionEndedByTransport(id, ex.GetType().Name);
                socket.Dispose();
                return;
            }

            using var scope = _logger.BeginScope(new ConnectionLogScope(id, remote, _endpoint.Name));
            bool acquired = false;
            try
            {
                if (!_limiter.TryAcquire(remote.Address, out var reason))
                {
                    _events.Refused(remote, _endpoint.Name, reason);
                    await RejectAsync(connection, reason).ConfigureAwait(false);
                    return;
                }

                acquired = true;
                _logger.ConnectionAccepted(id, remote, _endpoint.Name);
                if (_endpoint.TlsMode == TlsMode.Implicit)
                {
                    try
                    {
                        await connection.AuthenticateImplicitTlsAsync(_stopping.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (MailConnection.IsTransportFailure(ex))
                    {
                        _logger.TlsHandshakeFailed(id, ex);
                        return;
                    }
                }

                await _endpoint.Handler.RunAsync(connection, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsExpectedEnd(ex))
            {
                _logger.ConnectionEndedByTransport(id, ex.GetType().Name);
            }
            catch (Exception ex)
            {
                // A handler's bug ends its connection only; the listener and the other connections carry on.
                _logger.ConnectionFailed(id, ex);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (acquired)
                {
                    _limiter.Release(remote.Address);
                }

                _logger.ConnectionClosed(id);
            }
        }
        finally
        {
            _connections.TryRemove(socket, out _);
            if (Interlocked.Decrement(ref _active) == 0)
            {
                _drained.TrySetResult();
            }
        }
    }

    // A client that resets or vanishes, or a socket closed by the drain, is how connections end, not a failure.
    private bool IsExpectedEnd(Exception ex) =>
        _aborting
        || ex is IOException or SocketException
        || (ex is OperationCanceledException or ObjectDisposedException && _stopping.IsCancellationRequested);

    private async Task RejectAsync(MailConnection connection, RejectReason reason)
    {
        if (_endpoint.TlsMode != TlsMode.None)
        {
            return;
        }
        try
        {
            using var timeout = new CancellationTokenSource(RejectTimeout, _time);
            await _endpoint.Handler.RejectAsync(connection, reason, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _logger.RejectFailed(connection.Id, ex);
        }
    }

    private void BeginStopping()
    {
        if (Interlocked.Exchange(ref _stopBegun, 1) != 0)
        {
            return;
        }
        _stopStarted = _time.GetTimestamp();
        // Closing the socket stops accepting at once and frees the port; clients now get "connection refused".
        _listenSocket?.Dispose();
        _stopping.Cancel();
    }

    private async Task DrainAsync()
    {
        if (Interlocked.Decrement(ref _active) == 0)
        {
            _drained.TrySetResult();
        }

        var left = _options.DrainTimeout - _time.GetElapsedTime(_stopStarted);
        if (!await WaitAsync(_drained.Task, left).ConfigureAwait(false))
        {
            _logger.AbortingConnections(_endpoint.Name, _connections.Count, _options.DrainTimeout);
            _aborting = true;
            foreach (var socket in _connections.Keys)
            {
                // Fails the handler's pending reads and writes, so it unwinds; MailConnection then cleans up.
                socket.Dispose();
            }
            if (!await WaitAsync(_drained.Task, AbortGrace).ConfigureAwait(false))
            {
                _logger.HandlersStuck(_endpoint.Name, _connections.Count);
            }
        }
        _logger.StoppedListening(_endpoint.Name);
    }

    private async Task<bool> WaitAsync(Task task, TimeSpan timeout)
    {
        if (task.IsCompleted || timeout <= TimeSpan.Zero)
        {
            return task.IsCompleted;
        }
        try
        {
            await task.WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
