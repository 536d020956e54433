using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Host;

/// <summary>
/// `serve [binary]`: the real program under `serve` with its own data folder and free ports on 127.0.0.1.
/// Five first starts (a new data folder: database created, TLS certificate generated) and five restarts
/// on the folder they left: time from process start to the "EdgeMail serving" log line (written once
/// every listener is bound), VmRSS and Pss after 2 s idle with no connection, then SIGTERM and the exit
/// code. The binary is a native edgemail or an edgemail.dll (run with dotnet): the argument, else
/// EDGEMAIL_BINARY, else the Release build output of src/EdgeMail.
/// </summary>
internal static class ServeBenchmark
{
    private const int Starts = 5;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        // As the tests (EdgeMailProcess): EDGEMAIL_BINARY names the program when no argument does.
        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? FindBuilt();
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync(
                (binary is null ? "serve: no built edgemail found. " : $"serve: {binary} does not exist. ") +
                "Build one and pass its path (or set EDGEMAIL_BINARY), e.g.\n" +
                "  dotnet build src/EdgeMail -c Release          (then serve src/EdgeMail/bin/Release/net10.0/edgemail.dll)\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/edgemail-x64   (native: serve /var/tmp/edgemail-x64/edgemail)");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var root = Path.Combine(BenchmarkContext.DefaultRoot, "serve-" + Environment.ProcessId);
        var runs = new List<Run>();
        try
        {
            for (var i = 0; i < Starts; i++)
            {
                var data = Path.Combine(root, "data-" + i);
                Report.Progress($"serve: first start {i + 1}/{Starts} of {binary}...");
                runs.Add(await StartOnceAsync(binary, data, "first start"));
                Report.Progress($"serve: restart {i + 1}/{Starts}...");
                runs.Add(await StartOnceAsync(binary, data, "restart"));
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        var native = !binary.EndsWith(".dll", StringComparison.Ordinal);
        var title = $"serve: {binary} ({(native ? "native" : "dotnet " + Environment.Version)}, {new FileInfo(binary).Length / 1024.0 / 1024.0:F1} MiB)";
        var table = new Table(title, "run", "start", "listening ms", "VmRSS MiB", "Pss MiB", "stop ms", "exit code");
        foreach (var (r, i) in runs.Select((r, i) => (r, i)))
        {
            table.Add(i / 2 + 1, r.Kind, r.ListeningMs, r.RssKiB / 1024.0, r.PssKiB < 0 ? "n/a" : r.PssKiB / 1024.0, r.StopMs, r.ExitCode);
        }

        var summary = new Table($"serve summary (median of {Starts})", "start", "listening ms", "VmRSS MiB", "Pss MiB", "stop ms", "exit codes");
        foreach (var kind in runs.Select(r => r.Kind).Distinct())
        {
            var of = runs.Where(r => r.Kind == kind).ToList();
            summary.Add(kind, Median(of.Select(r => r.ListeningMs)), Median(of.Select(r => r.RssKiB / 1024.0)),
                of.Any(r => r.PssKiB < 0) ? "n/a" : Median(of.Select(r => r.PssKiB / 1024.0)), Median(of.Select(r => r.StopMs)),
                string.Join(",", of.Select(r => r.ExitCode.ToString(CultureInfo.InvariantCulture)).Distinct()));
        }

        summary.Note("listening = process start to the 'EdgeMail serving' line, every listener bound; first start also creates the database and the TLS certificate.");
        summary.Note($"memory after {Idle.TotalSeconds:F0} s idle with no connection; Pss from /proc/PID/smaps_rollup (shared pages divided among their users).");
        c.Report.Add(table);
        c.Report.Add(summary);
        return runs.All(r => r.ExitCode == 0) ? 0 : 1;
    }

    private static async Task<Run> StartOnceAsync(string binary, string data, string kind)
    {
        var info = EdgeMailProcess.StartInfoFor(binary, ["serve", "--data", data, "--Network:Bind=127.0.0.1"]);
        foreach (var key in ServeProcess.PortKeys)
        {
            info.ArgumentList.Add($"--{key}={EdgeMailProcess.FreePort()}");
        }

        var sw = Stopwatch.StartNew();
        var serve = await ServeProcess.StartAsync(info, Timeout);
        var listening = sw.Elapsed.TotalMilliseconds;
        using var process = serve.Process;
        await Task.Delay(Idle);
        var rss = ProcStatus(process.Id, "VmRSS:");
        var pss = File.Exists($"/proc/{process.Id}/smaps_rollup") ? Common.ProcIo.Read("Pss:", $"/proc/{process.Id}/smaps_rollup") : -1;
        var stop = Stopwatch.StartNew();
        Libc.Signal(process.Id, Libc.Sigterm);
        var exit = await ExitCodeAsync(process);
        stop.Stop();
        await serve.Drained;
        return new Run(kind, listening, rss, pss, stop.Elapsed.TotalMilliseconds, exit);
    }

    private static async Task<int> ExitCodeAsync(Process process)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    private static long ProcStatus(int pid, string key) => Common.ProcIo.Read(key, $"/proc/{pid}/status");

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The Release build output of src/EdgeMail in this checkout: a native publish first, else edgemail.dll.</summary>
    internal static string? FindBuilt()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "src", "EdgeMail");
            if (!File.Exists(Path.Combine(project, "EdgeMail.csproj")))
            {
                continue;
            }

            var release = Path.Combine(project, "bin", "Release", "net10.0");
            var native = Directory.Exists(release)
                ? Directory.GetFiles(release, "edgemail", SearchOption.AllDirectories).FirstOrDefault(f => f.Contains("publish", StringComparison.Ordinal))
                : null;
            var dll = Path.Combine(release, "edgemail.dll");
            return native ?? (File.Exists(dll) ? dll : null);
        }

        return null;
    }

    private sealed record Run(string Kind, double ListeningMs, long RssKiB, long PssKiB, double StopMs, int ExitCode);
}
