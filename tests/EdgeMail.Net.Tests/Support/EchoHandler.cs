using System.Buffers;
using System.Text;

namespace EdgeMail.Net.Tests.Support;

// A small line protocol that exercises what IMAP, POP3 and SMTP need from the network layer: a greeting, one reply
// per line, STARTTLS, literals, a goodbye on timeout and on shutdown, and a reply to refused connections.
internal sealed class EchoHandler : IConnectionHandler
{
    private readonly TaskCompletionSource _stuck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runs;
    private int _rejects;
    private int _injections;

    public int MaxLineBytes { get; init; } = 1024;

    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan WorkDuration { get; init; } = TimeSpan.FromMilliseconds(300);

    public TaskCompletionSource WorkStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Runs => Volatile.Read(ref _runs);

    public int Rejects => Volatile.Read(ref _rejects);

    public int StartTlsInjections => Volatile.Read(ref _injections);

    public void ReleaseStuck() => _stuck.TrySetResult();

    public async Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        Interlocked.Increment(ref _runs);
        await WriteAsync(connection, $"HELLO {connection.EndpointName} secure={connection.IsSecure}");
        while (true)
        {
            LineReadResult result;
            try
            {
                result = await connection.Lines.ReadLineAsync(MaxLineBytes, IdleTimeout, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                await WriteAsync(connection, "BYE shutting down");
                return;
            }

            switch (result.Status)
            {
                case LineReadStatus.TooLong:
                    await WriteAsync(connection, "ERR too long");
                    continue;
                case LineReadStatus.TimedOut:
                    await WriteAsync(connection, "BYE idle timeout");
                    return;
                case LineReadStatus.Closed:
                    return;
            }

            string line = Encoding.Latin1.GetString(result.Line.Span);
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string verb = space < 0 ? line : line[..space];
            string argument = space < 0 ? "" : line[(space + 1)..];
            switch (verb)
            {
                case "QUIT":
                    await WriteAsync(connection, "BYE");
                    return;
                case "STARTTLS":
                    await WriteAsync(connection, "OK begin TLS");
                    try
                    {
                        await connection.UpgradeToTlsAsync(stopping);
                    }
                    catch (StartTlsInjectionException)
                    {
                        Interlocked.Increment(ref _injections);
                        return;
                    }
                    break;
                case "INFO":
                    await WriteAsync(connection,
                        $"INFO secure={connection.IsSecure} loopback={connection.IsLoopback} endpoint={connection.EndpointName} " +
                        $"remote={connection.RemoteEndPoint.Address} tls={connection.TlsProtocol} bare-lf={result.EndsWithBareLineFeed}");
                    break;
                case "WORK":
                    WorkStarted.TrySetResult();
                    // A command in progress is not interrupted by the stopping token. Kept: the work a shutdown test
                    // waits out takes real time by design (WorkStarted tells the test it began).
                    await Task.Delay(WorkDuration, CancellationToken.None);
                    await WriteAsync(connection, "DONE");
                    break;
                case "LITERAL":
                    long count = long.Parse(argument, System.Globalization.CultureInfo.InvariantCulture);
                    await WriteAsync(connection, "+ go");
                    using (var body = new MemoryStream())
                    {
                        var status = await connection.Lines.CopyBytesAsync(count, body, IdleTimeout, stopping);
                        if (status != CopyStatus.Completed)
                        {
                            await WriteAsync(connection, $"BYE literal {status}");
                            return;
                        }
                        await WriteAsync(connection, $"GOT {Encoding.Latin1.GetString(body.ToArray())}");
                    }
                    break;
                case "HANG":
                    // A client that never finishes its command: wait for bytes that never come, ignoring shutdown.
                    HangStarted.TrySetResult();
                    await connection.Lines.CopyBytesAsync(1_000_000, null, Timeout.InfiniteTimeSpan, CancellationToken.None);
                    break;
                case "STUCK":
                    // A handler stuck on something other than the connection.
                    HangStarted.TrySetResult();
                    await _stuck.Task;
                    break;
                case "THROW":
                    throw new InvalidOperationException("handler bug");
                default:
                    await WriteAsync(connection, "ECHO " + line);
                    break;
            }

            if (stopping.IsCancellationRequested)
            {
                await WriteAsync(connection, "BYE shutting down");
                return;
            }
        }
    }

    public async Task RejectAsync(MailConnection connection, RejectReason reason, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _rejects);
        await WriteAsync(connection, $"BUSY {reason}", cancellationToken);
    }

    private static async Task WriteAsync(MailConnection connection, string line, CancellationToken cancellationToken = default)
    {
        connection.Output.Write(Encoding.Latin1.GetBytes(line + "\r\n"));
        await connection.Output.FlushAsync(cancellationToken);
    }
}
