using System.Net.Sockets;
using System.Text.Json;

namespace EdgeMail.Control;

/// <summary>
/// The CLI's side of the channel: asks the service of a data folder, if one runs. "No service" (no socket file, or
/// a stale one nobody listens on) is null, so that the verb can work offline; a service that answers wrongly or not
/// at all within Control:Timeout is an error.
/// </summary>
internal static class ControlClient
{
    public static async Task<ControlResponse?> TryAsync(string dataPath, ControlRequest request, ControlOptions options, CancellationToken cancellationToken)
    {
        var path = ControlProtocol.SocketPath(dataPath);
        if (!File.Exists(path))
        {
            return null;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable or SocketError.AccessDenied)
        {
            // Refused: a socket left by a service that crashed. Denied: not ours to use; the offline path says more.
            return null;
        }
        catch (ArgumentOutOfRangeException)
        {
            // A path longer than sun_path (108 bytes): the service could not bind it either.
            return null;
        }

        string? line;
        try
        {
            await ControlLine.WriteAsync(socket, request, ControlJsonContext.Default.ControlRequest, timeout.Token).ConfigureAwait(false);
            line = await ControlLine.ReadAsync(socket, options.MaxLineBytes, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"the service of {dataPath} did not answer on {path} within {options.Timeout.TotalSeconds:0} seconds (Control:Timeout)");
        }
        catch (SocketException ex)
        {
            throw new IOException($"the service of {dataPath} closed {path} without answering ({ex.SocketErrorCode})");
        }

        ControlResponse? response = null;
        try
        {
            response = line is null ? null : JsonSerializer.Deserialize(line, ControlJsonContext.Default.ControlResponse);
        }
        catch (JsonException)
        {
        }

        if (response is null)
        {
            throw new IOException($"the service of {dataPath} gave no readable answer on {path} (is it an older or newer edgemail?)");
        }

        if (response.Version != ControlProtocol.Version)
        {
            throw new IOException($"the running service speaks control protocol {response.Version} and this edgemail {ControlProtocol.Version}: use the edgemail binary of the running service");
        }

        return response;
    }
}
