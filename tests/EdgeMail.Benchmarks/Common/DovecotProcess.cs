using System.Diagnostics;
using EdgeMail.Benchmarks.Interop;

namespace EdgeMail.Benchmarks.Common;

/// <summary>
/// A private Dovecot instance in the foreground (`dovecot -F -c CONFIG`), from a configuration its benchmark wrote:
/// started, waited on until it listens, and stopped with SIGTERM. The POP3 and LMTP comparisons each own one.
/// </summary>
internal sealed class DovecotProcess : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly Task<string[]> _output;

    private DovecotProcess(Process process, string config)
    {
        _process = process;
        Command = $"/usr/sbin/dovecot -F -c {config}";

        // With log_path set, Dovecot writes next to nothing here; draining still keeps it from ever blocking.
        _output = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    public int ProcessId => _process.Id;

    /// <summary>The command line, for the report.</summary>
    public string Command { get; }

    /// <summary>Starts Dovecot on <paramref name="config"/> and returns once <paramref name="port"/> accepts; <paramref name="log"/> goes into the error otherwise.</summary>
    public static async Task<DovecotProcess> StartAsync(string config, string log, int port)
    {
        var info = new ProcessStartInfo("/usr/sbin/dovecot", ["-F", "-c", config]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var dovecot = new DovecotProcess(Process.Start(info)!, config);
        try
        {
            await Daemon.WaitListeningAsync(dovecot._process, dovecot._output, port, log, Timeout);
        }
        catch
        {
            await dovecot.DisposeAsync();
            throw;
        }

        return dovecot;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Libc.Signal(_process.Id, Libc.Sigterm);
        }

        using var cts = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _output;
        _process.Dispose();
    }
}
