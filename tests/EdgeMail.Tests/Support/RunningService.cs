using System.Diagnostics;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Support;

/// <summary>`edgemail serve` as a child process, started up to its "serving" line and stopped with SIGTERM.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly Process _process;

    private RunningService(Process process) => _process = process;

    public static async Task<RunningService> StartAsync(IEnumerable<string> args)
    {
        var process = Process.Start(EdgeMailProcess.StartInfo(["serve", .. args]))!;
        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                Assert.Fail($"edgemail exited before serving: {await process.StandardError.ReadToEndAsync()}");
            }

            if (line!.Contains("EdgeMail serving", StringComparison.Ordinal))
            {
                // Keep draining output so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                _ = process.StandardError.ReadToEndAsync(CancellationToken.None);
                return new RunningService(process);
            }
        }
    }

    /// <summary>SIGTERM, then the exit code once it has stopped.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            EdgeMailProcess.SendSignal(_process, "TERM");
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: a crash, which leaves whatever the service would have cleaned up.</summary>
    public async Task KillAsync()
    {
        EdgeMailProcess.SendSignal(_process, "KILL");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
