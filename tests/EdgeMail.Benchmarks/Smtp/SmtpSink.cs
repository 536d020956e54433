using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// Postfix's smtp-sink on 127.0.0.1 as the relay's upstream: it answers 250 to everything and stores nothing.
/// With -c it prints running counters ("sess=N quit=N mesg=N", separated by CR) whenever "." is received,
/// which is how the benchmark learns that a relayed message has arrived.
/// </summary>
internal sealed class SmtpSink : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly Task _reader;
    private long _messages;

    private SmtpSink(Process process, int port, IReadOnlyList<string> args)
    {
        _process = process;
        Port = port;
        Arguments = args;
        _reader = Task.Run(ReadCountersAsync);
    }

    public int Port { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Messages received (DATA completed) since the sink started.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    public static async Task<SmtpSink> StartAsync()
    {
        var port = EdgeMailProcess.FreePort();

        // As root smtp-sink insists on dropping privileges (-u); the backlog 256 covers 20 parallel clients.
        List<string> args = Environment.UserName == "root" ? ["-u", "nobody"] : [];
        args.AddRange(["-c", $"127.0.0.1:{port}", "256"]);
        var process = Process.Start(new ProcessStartInfo(SmtpTools.Sink, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var sink = new SmtpSink(process, port, args);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"smtp-sink exited (code {process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return sink;
            }
            catch (SocketException) when (stopwatch.Elapsed < Timeout)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>Waits until the sink has counted <paramref name="target"/> messages; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForAsync(long target, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (Messages < target)
        {
            if (stopwatch.Elapsed > timeout || _process.HasExited)
            {
                return false;
            }

            await Task.Delay(5);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Libc.Signal(_process.Id, Libc.Sigterm);
        }

        using var cts = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _reader;
        _process.Dispose();
    }

    private async Task ReadCountersAsync()
    {
        var buffer = new char[4096];
        var record = new System.Text.StringBuilder();
        int read;
        while ((read = await _process.StandardOutput.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] is '\r' or '\n')
                {
                    Parse(record.ToString());
                    record.Clear();
                }
                else
                {
                    record.Append(buffer[i]);
                }
            }
        }

        Parse(record.ToString());
        await _process.StandardError.ReadToEndAsync();
    }

    private void Parse(string record)
    {
        foreach (var field in record.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (field.StartsWith("mesg=", StringComparison.Ordinal) &&
                long.TryParse(field.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                Interlocked.Exchange(ref _messages, count);
            }
        }
    }
}
