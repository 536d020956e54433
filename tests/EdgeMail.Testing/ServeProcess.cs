using System.Diagnostics;

namespace EdgeMail.Testing;

/// <summary>
/// `edgemail serve` as a child process, started and waited on until it prints "EdgeMail serving" (every listener is
/// bound then). Its output goes on being read afterwards, so that the service never blocks on a full pipe.
/// </summary>
public sealed record ServeProcess(Process Process, Task<string> Output, Task<string> Errors)
{
    public const string ListeningMarker = "EdgeMail serving";

    /// <summary>Both output streams, read to their end (when the process exits).</summary>
    public Task<string[]> Drained => Task.WhenAll(Output, Errors);

    /// <summary>The listener ports `serve` knows; <see cref="OnlyArguments"/> sets each one not given to 0.</summary>
    public static readonly IReadOnlyList<string> PortKeys =
        ["Imap:Port", "Imap:TlsPort", "Pop3:Port", "Pop3:TlsPort", "Smtp:Port", "Smtp:SubmissionPort", "Smtp:TlsPort", "Web:Port", "Web:TlsPort"];

    /// <summary>`serve --data DATA` with only the given listeners on (every other port 0), bound to 127.0.0.1.</summary>
    public static List<string> OnlyArguments(string data, params (string Key, int Port)[] ports)
    {
        List<string> args = ["serve", "--data", data, "--Network:Bind=127.0.0.1"];
        foreach (var key in PortKeys)
        {
            var port = ports.FirstOrDefault(p => p.Key == key).Port;
            args.Add($"--{key}={port}");
        }

        return args;
    }

    /// <summary>Starts `serve` with <paramref name="args"/> on the program the tests run (EdgeMailProcess.Program).</summary>
    public static Task<ServeProcess> StartAsync(IEnumerable<string> args, TimeSpan timeout) =>
        StartAsync(EdgeMailProcess.StartInfo(args), timeout);

    /// <summary>
    /// Starts <paramref name="info"/> (made by EdgeMailProcess.StartInfoFor) with its input closed and returns once
    /// it listens. If it exits or takes longer than <paramref name="timeout"/> first, it is killed, and the error
    /// says why with what it printed.
    /// </summary>
    public static async Task<ServeProcess> StartAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false);
                if (line is null)
                {
                    await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                    throw new InvalidOperationException(
                        $"edgemail exited before listening (exit {process.ExitCode}): {await errors.ConfigureAwait(false)} {string.Join('\n', lines)}");
                }

                lines.Add(line);
                if (line.Contains(ListeningMarker, StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.Dispose();
            throw;
        }

        return new ServeProcess(process, process.StandardOutput.ReadToEndAsync(), errors);
    }

    /// <summary>Sends SIGTERM (unless it already ended), waits for the exit and both output streams; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!Process.HasExited)
        {
            EdgeMailProcess.SendSignal(Process, "TERM");
        }

        using var cts = new CancellationTokenSource(timeout);
        await Process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        await Drained.ConfigureAwait(false);
        return Process.ExitCode;
    }
}
