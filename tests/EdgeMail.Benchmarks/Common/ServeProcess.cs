using System.Diagnostics;

namespace EdgeMail.Benchmarks.Common;

/// <summary>
/// `edgemail serve` as a child process, started and waited on until it prints "EdgeMail serving" (every listener is
/// bound then). Its output goes on being read afterwards, so that the service never blocks on a full pipe.
/// </summary>
internal sealed record ServeProcess(Process Process, Task<string> Output, Task<string> Errors)
{
    public const string ListeningMarker = "EdgeMail serving";

    /// <summary>Both output streams, read to their end (when the process exits).</summary>
    public Task<string[]> Drained => Task.WhenAll(Output, Errors);

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
}
