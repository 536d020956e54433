using System.Net.Sockets;
using System.Text.Json;
using EdgeMail.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Control;

/// <summary>
/// The service's side of the control channel: listens on &lt;data&gt;/control.sock (mode 0660: the service's user and
/// group), answers each connection's one request with the handler registered for its verb, and removes the socket when
/// the service stops. A socket file already there is one a crash left behind: the store's lock, taken before the host
/// starts, proves that no other service owns this folder, so it is replaced.
/// </summary>
internal sealed class ControlServer : BackgroundService
{
    // A handful of admins' CLIs at once; the kernel refuses further ones, which then work offline.
    private const int ListenBacklog = 16;

    private readonly Dictionary<string, IControlHandler> _handlers;
    private readonly ControlOptions _options;
    private readonly ILogger _logger;
    private readonly string _path;
    private Socket? _socket;

    public ControlServer(IEnumerable<IControlHandler> handlers, MailStore store, ControlOptions options, ILogger<ControlServer> logger)
    {
        _handlers = handlers.ToDictionary(h => h.Verb, StringComparer.Ordinal);
        _options = options;
        _logger = logger;
        _path = ControlProtocol.SocketPath(store.DataPath);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(_path);
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Bind(new UnixDomainSocketEndPoint(_path));
                // Before listen: until then a connect is refused, so nobody gets in under the umask's mode.
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(_path, ControlProtocol.SocketMode);
                }

                socket.Listen(ListenBacklog);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
            Log.ControlListening(_logger, _path);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            // Mail keeps flowing without the channel; the CLI then works offline (and says the service is not running).
            Log.ControlUnavailable(_logger, _path, ex.Message);
        }

        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Close();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_socket is not { } listener)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException && stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                Log.ControlAcceptFailed(_logger, ex.SocketErrorCode.ToString());
                continue;
            }

            _ = ServeAsync(client, stoppingToken);
        }
    }

    private async Task ServeAsync(Socket client, CancellationToken stopping)
    {
        using (client)
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            timeout.CancelAfter(_options.Timeout);
            try
            {
                var line = await ControlLine.ReadAsync(client, _options.MaxLineBytes, timeout.Token).ConfigureAwait(false);
                var response = await AnswerAsync(line, timeout.Token).ConfigureAwait(false);
                await ControlLine.WriteAsync(client, response, ControlJsonContext.Default.ControlResponse, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                Log.ControlRequestAbandoned(_logger, ex.GetType().Name);
            }
        }
    }

    private async Task<ControlResponse> AnswerAsync(string? line, CancellationToken cancellationToken)
    {
        ControlRequest? request = null;
        try
        {
            request = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlRequest);
        }
        catch (JsonException)
        {
        }

        if (request is null)
        {
            return ControlResponse.Failed($"the service could not read the request (one JSON line of at most {_options.MaxLineBytes} bytes)");
        }

        if (request.Version != ControlProtocol.Version)
        {
            return ControlResponse.Failed($"the running service speaks control protocol {ControlProtocol.Version}, the request {request.Version}: use the edgemail binary of the running service");
        }

        if (!_handlers.TryGetValue(request.Verb, out var handler))
        {
            return ControlResponse.Failed($"the running service has no control verb '{request.Verb}' (is it an older edgemail?)");
        }

        Log.ControlRequest(_logger, request.Verb);
        try
        {
            return await handler.HandleAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex)
        {
            return ControlResponse.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A handler's bug fails its request only; the CLI prints one line and the service carries on.
            Log.ControlRequestFailed(_logger, request.Verb, ex);
            return ControlResponse.Failed($"the running service could not answer '{request.Verb}' (see its log)");
        }
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _socket, null) is not { } socket)
        {
            return;
        }

        socket.Dispose();
        try
        {
            File.Delete(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.ControlUnavailable(_logger, _path, ex.Message);
        }
    }
}
