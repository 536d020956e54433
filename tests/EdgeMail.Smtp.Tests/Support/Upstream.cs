using System.Diagnostics;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Smtp.Tests.Support;

/// <summary>
/// A second, real SMTP server on loopback: Python's aiosmtpd (Debian's python3-aiosmtpd). Each message it accepts
/// becomes a file; recipients whose local part starts with "reject" get 550.
/// </summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly Process _process;

    private Upstream(Process process, int port, TempFolder folder)
    {
        _process = process;
        Port = port;
        Folder = folder;
    }

    public int Port { get; }

    public TempFolder Folder { get; }

    /// <summary>A port nothing listens on yet, for an upstream that is down at first.</summary>
    public static int ReservePort() => EdgeMailProcess.FreePort();

    public static async Task<Upstream> StartAsync(int? port = null)
    {
        ExternalTool.RequirePythonModule("aiosmtpd", "python3-aiosmtpd");
        var folder = new TempFolder();
        var chosen = port ?? ReservePort();
        var script = Path.Combine(AppContext.BaseDirectory, "Support", "upstream.py");
        var info = new ProcessStartInfo(ExternalTool.Python, [script, chosen.ToString(System.Globalization.CultureInfo.InvariantCulture), folder.Path])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(info)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ready = await process.StandardOutput.ReadLineAsync(cts.Token);
        if (ready != "READY")
        {
            var error = await process.StandardError.ReadToEndAsync(cts.Token);
            throw new InvalidOperationException("aiosmtpd did not start: " + ready + " " + error);
        }

        return new Upstream(process, chosen, folder);
    }

    /// <summary>The messages received, each with X-Envelope-From / X-Envelope-To lines first.</summary>
    public string[] Received() =>
        Directory.EnumerateFiles(Folder.Path, "*.eml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill();
        }

        _process.Dispose();
        Folder.Dispose();
    }
}
