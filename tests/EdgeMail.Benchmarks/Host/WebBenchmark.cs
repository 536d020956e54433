using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Host;

/// <summary>
/// `web BINARY [BINARY_WITHOUT_WEB] [ARM64_BINARY] [ARM64_BINARY_WITHOUT_WEB]`: what the web page (src/EdgeMail.Web)
/// costs the real program. (1) Binary size with and without the page built in (`-p:EdgeMailWeb=false`), for each
/// architecture given. (2) `serve` on its own data folder (one account, every listener on a free port of 127.0.0.1)
/// in three setups: the page on (Web:Port and Web:TlsPort set), the page off (both 0) and, when given, the binary
/// built without the page. Each run: a first start (new data folder), then a restart on it, timed from process start
/// to the "EdgeMail serving" line; VmRSS and Pss (/proc/PID/smaps_rollup) just after the restart listens and after
/// 10 s idle. (3) With the page on: `GET /api/status` and `GET /` one request at a time on ONE keep-alive connection
/// for 10 s, from HttpClient (MaxConnectionsPerServer = 1) and, when on PATH, from `wrk -t1 -c1 -d10s --latency`:
/// median, p90, p99 and requests/s, and the RSS after each run. Three runs per setup; the summary is their median.
/// </summary>
internal static partial class WebBenchmark
{
    private const int Runs = 3;
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";
    private const long BinaryGoalBytes = 25L * 1000 * 1000;
    private const double RssGoalMiB = 30;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Paths = ["/api/status", "/"];

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var on = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY");
        if (on is null || !File.Exists(on))
        {
            await Console.Error.WriteLineAsync(
                "web: pass the native edgemail with the page and, to compare, the one without it:\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /tmp/pub-on\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -p:EdgeMailWeb=false -o /tmp/pub-off\n" +
                "  dotnet run -c Release --project tests/EdgeMail.Benchmarks -- web /tmp/pub-on/edgemail /tmp/pub-off/edgemail");
            return 1;
        }

        on = Path.GetFullPath(on);
        var off = c.Arg(1) is { } o ? Path.GetFullPath(o) : null;
        var problems = new List<string>();
        c.Report.Add(SizeTable(on, off, c.Arg(2), c.Arg(3), problems));

        List<Setup> setups = [new("page on", on, true), new("page off (ports 0)", on, false)];
        if (off is not null)
        {
            setups.Add(new("built without page", off, false));
        }

        var root = Path.Combine(BenchmarkContext.DefaultRoot, "web-" + Environment.ProcessId);
        var results = new List<Result>();
        try
        {
            for (var i = 0; i < Runs; i++)
            {
                foreach (var setup in setups)
                {
                    Report.Progress($"web: {setup.Name}, run {i + 1}/{Runs}...");
                    var result = await RunOnceAsync(setup, Path.Combine(root, $"{i}-{setups.IndexOf(setup)}"), problems);
                    result.Run = i + 1;
                    results.Add(result);
                }
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        c.Report.Add(MemoryTable(setups, results));
        c.Report.Add(HttpTable(results));
        c.Report.Add(EachRunTable(results));
        c.Report.Add(GoalTable(on, c.Arg(2), results));
        foreach (var problem in problems)
        {
            await Console.Error.WriteLineAsync("web: " + problem);
        }

        return problems.Count == 0 && results.All(r => r.ExitCode == 0) ? 0 : 1;
    }

    private static Table SizeTable(string on, string? off, string? armOn, string? armOff, List<string> problems)
    {
        var table = new Table("web: binary size", "architecture", "with page MB", "with page MiB", "without page MB", "without page MiB", "page costs MB");
        void Row(string arch, string with, string? without)
        {
            var w = new FileInfo(with).Length;
            if (without is null)
            {
                table.Add(arch, w / 1e6, w / 1048576.0, "n/a", "n/a", "n/a");
                return;
            }

            var wo = new FileInfo(without).Length;
            table.Add(arch, w / 1e6, w / 1048576.0, wo / 1e6, wo / 1048576.0, (w - wo) / 1e6);
            if (w == wo && File.ReadAllBytes(with).AsSpan().SequenceEqual(File.ReadAllBytes(without)))
            {
                problems.Add($"{with} and {without} are the same file: the second publish reused the first's build");
            }
        }

        Row(Architecture(on), on, off);
        if (armOn is not null)
        {
            Row(Architecture(armOn), armOn, armOff);
        }
        else
        {
            table.Note("arm64: not given (publish with -r linux-arm64 and pass both binaries as the 3rd and 4th arguments).");
        }

        table.Note("size of the stripped native binary (StripSymbols); MB = 10^6 bytes, MiB = 2^20.");
        var sqlite = Path.Combine(Path.GetDirectoryName(on)!, "libe_sqlite3.so");
        if (File.Exists(sqlite))
        {
            table.Note($"beside it, in both builds: libe_sqlite3.so, {new FileInfo(sqlite).Length / 1e6:F1} MB (x64), not counted above.");
        }
        return table;
    }

    // e_machine of the ELF header: 0x3E x86-64, 0xB7 AArch64.
    private static string Architecture(string binary)
    {
        var header = new byte[20];
        using (var file = File.OpenRead(binary))
        {
            file.ReadExactly(header);
        }

        return header[0] == 0x7F && header[1] == (byte)'E'
            ? BitConverter.ToUInt16(header, 18) switch { 0x3E => "x64", 0xB7 => "arm64", var m => $"ELF machine {m}" }
            : "not ELF";
    }

    private static async Task<Result> RunOnceAsync(Setup setup, string data, List<string> problems)
    {
        Directory.CreateDirectory(data);
        await EdgeMailProcess.AddUserAsync(setup.Binary, data, User, Password);
        var webPort = setup.Web ? EdgeMailProcess.FreePort() : 0;
        var args = new List<string> { "serve", "--data", data, "--Network:Bind=127.0.0.1" };
        foreach (var key in ServeProcess.PortKeys)
        {
            var port = key switch
            {
                "Web:Port" => webPort,
                "Web:TlsPort" => setup.Web ? EdgeMailProcess.FreePort() : 0,
                _ => EdgeMailProcess.FreePort(),
            };
            args.Add($"--{key}={port}");
        }

        // The first start creates the database's tables, the CA and the server certificate; the restart is the
        // usual start of a box that has run before.
        var first = await StartAsync(setup.Binary, args);
        var firstExit = await first.Serve.StopAsync(Timeout);
        first.Serve.Process.Dispose();
        var (serve, listening) = await StartAsync(setup.Binary, args);
        using var process = serve.Process;
        var result = new Result(setup.Name) { ListeningMs = listening, FirstListeningMs = first.ListeningMs };
        try
        {
            result.Start = Memory.Read(process.Id);
            await Task.Delay(Idle);
            result.Idle = Memory.Read(process.Id);
            if (setup.Web)
            {
                foreach (var path in Paths)
                {
                    var http = await HttpClientLoadAsync(webPort, path);
                    http.After = Memory.Read(process.Id);
                    result.Http.Add(http);
                    if (await WrkLoadAsync(webPort, path, problems) is { } wrk)
                    {
                        wrk.After = Memory.Read(process.Id);
                        result.Http.Add(wrk);
                    }
                }

                await Task.Delay(Idle);
                result.AfterLoad = Memory.Read(process.Id);
            }
        }
        finally
        {
            result.ExitCode = await serve.StopAsync(Timeout) | firstExit;
        }

        return result;
    }

    private static async Task<Started> StartAsync(string binary, List<string> args)
    {
        var sw = Stopwatch.StartNew();
        var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, args), Timeout);
        return new Started(serve, sw.Elapsed.TotalMilliseconds);
    }

    private static async Task<Http> HttpClientLoadAsync(int port, string path)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = System.Threading.Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            UseCookies = false,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        Report.Progress($"web: GET {path} from HttpClient for {Load.TotalSeconds:F0} s...");
        long bytes = 0;
        for (var i = 0; i < 200; i++)
        {
            bytes = (await GetAsync(client, path)).Length;
        }

        var latencies = new List<double>(100_000);
        var total = Stopwatch.StartNew();
        while (total.Elapsed < Load)
        {
            var one = Stopwatch.GetTimestamp();
            await GetAsync(client, path);
            latencies.Add(Stopwatch.GetElapsedTime(one).TotalMilliseconds);
        }

        total.Stop();
        latencies.Sort();
        return new Http(path, "HttpClient", Percentile(latencies, 0.5), Percentile(latencies, 0.9), Percentile(latencies, 0.99),
            latencies.Count / total.Elapsed.TotalSeconds, bytes);
    }

    private static async Task<byte[]> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        return await response.Content.ReadAsByteArrayAsync();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    // Debian's wrk 4.1: "--latency" prints the 50/75/90/99 % lines; -c1 is one connection, kept alive.
    private static async Task<Http?> WrkLoadAsync(int port, string path, List<string> problems)
    {
        var wrk = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "wrk")).FirstOrDefault(File.Exists);
        if (wrk is null)
        {
            return null;
        }

        Report.Progress($"web: GET {path} from wrk for {Load.TotalSeconds:F0} s...");
        var info = new ProcessStartInfo(wrk) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-t1", "-c1", $"-d{Load.TotalSeconds:F0}s", "--latency", $"http://127.0.0.1:{port}{path}" })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output;
        var rps = RequestsPerSecond().Match(text);
        var p = LatencyLine().Matches(text).ToDictionary(m => m.Groups[1].Value, m => ToMs(m.Groups[2].Value, m.Groups[3].Value));
        if (process.ExitCode != 0 || !rps.Success || !p.ContainsKey("50") || !p.ContainsKey("90") || !p.ContainsKey("99"))
        {
            problems.Add($"wrk on {path} (exit {process.ExitCode}) gave no figures: {text} {await errors}");
            return null;
        }

        if (Non2xx().Match(text) is { Success: true } bad)
        {
            problems.Add($"wrk on {path}: {bad.Value}");
        }

        return new Http(path, "wrk", p["50"], p["90"], p["99"], double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture), -1);
    }

    private static double ToMs(string value, string unit)
    {
        var v = double.Parse(value, CultureInfo.InvariantCulture);
        return unit switch { "us" => v / 1000, "ms" => v, "s" => v * 1000, "m" => v * 60_000, _ => double.NaN };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+(50|75|90|99)%\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses: \d+")]
    private static partial Regex Non2xx();

    private static Table MemoryTable(List<Setup> setups, List<Result> results)
    {
        var table = new Table($"web: serve start and idle memory (median of {Runs})", "setup", "first start ms", "restart ms",
            "RSS start MiB", "Pss start MiB", $"RSS {Idle.TotalSeconds:F0}s idle MiB", $"Pss {Idle.TotalSeconds:F0}s idle MiB", "exit codes");
        foreach (var setup in setups)
        {
            var of = results.Where(r => r.Setup == setup.Name).ToList();
            table.Add(setup.Name, Median(of.Select(r => r.FirstListeningMs)), Median(of.Select(r => r.ListeningMs)),
                Median(of.Select(r => r.Start.RssMiB)), Median(of.Select(r => r.Start.PssMiB)),
                Median(of.Select(r => r.Idle.RssMiB)), Median(of.Select(r => r.Idle.PssMiB)),
                string.Join(",", of.Select(r => r.ExitCode.ToString(CultureInfo.InvariantCulture)).Distinct()));
        }

        table.Note("ms = process start to the 'EdgeMail serving' line (every listener bound); first start also creates the database, the CA and the server certificate.");
        table.Note("memory of the restarted serve (one account, no client) when it listens and after the idle wait; Pss from /proc/PID/smaps_rollup.");
        return table;
    }

    private static Table HttpTable(List<Result> results)
    {
        var table = new Table($"web: one keep-alive connection, one request at a time, {Load.TotalSeconds:F0} s (median of {Runs}, page on)",
            "request", "client", "median ms", "p90 ms", "p99 ms", "requests/s", "body bytes", "RSS after MiB", "Pss after MiB");
        var runs = results.SelectMany(r => r.Http).ToList();
        foreach (var group in runs.GroupBy(h => (h.Path, h.Client)))
        {
            var of = group.ToList();
            table.Add("GET " + group.Key.Path, group.Key.Client, Median(of.Select(h => h.MedianMs)), Median(of.Select(h => h.P90Ms)),
                Median(of.Select(h => h.P99Ms)), Median(of.Select(h => h.PerSecond)),
                of[0].Bytes < 0 ? "-" : of[0].Bytes.ToString(CultureInfo.InvariantCulture),
                Median(of.Select(h => h.After.RssMiB)), Median(of.Select(h => h.After.PssMiB)));
        }

        var idle = results.Where(r => r.Http.Count > 0).ToList();
        table.Note($"{Idle.TotalSeconds:F0} s after the last run: RSS {Median(idle.Select(r => r.AfterLoad.RssMiB)):F1} MiB, Pss {Median(idle.Select(r => r.AfterLoad.PssMiB)):F1} MiB (median).");
        table.Note("HttpClient: SocketsHttpHandler with MaxConnectionsPerServer=1, 200 warm-up requests, every latency kept (exact percentiles).");
        table.Note("wrk: -t1 -c1 -d10s --latency (its percentiles), run after HttpClient on the same serve; RSS after = right after that client's run.");
        table.Note("client and server share this machine's CPUs: the figures include the client's own cost.");
        return table;
    }

    private static Table EachRunTable(List<Result> results)
    {
        var table = new Table("web: each run (requests/s on one connection; RSS MiB)", "setup", "run", "restart ms", "RSS idle",
            "status HttpClient", "status wrk", "/ HttpClient", "/ wrk", "RSS after load", $"RSS {Idle.TotalSeconds:F0}s later");
        string PerSecond(Result r, string path, string client) =>
            r.Http.FirstOrDefault(h => h.Path == path && h.Client == client) is { } h ? h.PerSecond.ToString("F0", CultureInfo.InvariantCulture) : "-";
        foreach (var r in results.OrderBy(r => r.Setup).ThenBy(r => r.Run))
        {
            var web = r.Http.Count > 0;
            table.Add(r.Setup, r.Run, r.ListeningMs, r.Idle.RssMiB, PerSecond(r, "/api/status", "HttpClient"), PerSecond(r, "/api/status", "wrk"),
                PerSecond(r, "/", "HttpClient"), PerSecond(r, "/", "wrk"), web ? r.Http[^1].After.RssMiB : "-", web ? r.AfterLoad.RssMiB : "-");
        }

        return table;
    }

    private static Table GoalTable(string on, string? armOn, List<Result> results)
    {
        var table = new Table("web: goals (issue 15)", "goal", "measured", "met");
        foreach (var binary in armOn is null ? [on] : new[] { on, armOn })
        {
            var size = new FileInfo(binary).Length;
            table.Add($"binary <= 25 MB ({Architecture(binary)}, page on)", $"{size / 1e6:F1} MB", size <= BinaryGoalBytes ? "yes" : "NO");
        }

        var page = results.Where(r => r.Setup == "page on").ToList();
        var idle = Median(page.Select(r => r.Idle.RssMiB));
        table.Add($"idle RSS <= {RssGoalMiB:F0} MiB (page on, {Idle.TotalSeconds:F0} s idle)", $"{idle:F1} MiB (Pss {Median(page.Select(r => r.Idle.PssMiB)):F1})",
            idle <= RssGoalMiB ? "yes" : "NO");
        return table;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Setup(string Name, string Binary, bool Web);

    private sealed record Started(ServeProcess Serve, double ListeningMs);

    private readonly record struct Memory(long RssKiB, long PssKiB)
    {
        public double RssMiB => RssKiB / 1024.0;

        public double PssMiB => PssKiB / 1024.0;

        public static Memory Read(int pid) => new(
            Common.ProcIo.Read("VmRSS:", $"/proc/{pid}/status"),
            Common.ProcIo.Read("Pss:", $"/proc/{pid}/smaps_rollup"));
    }

    private sealed record Http(string Path, string Client, double MedianMs, double P90Ms, double P99Ms, double PerSecond, long Bytes)
    {
        public Memory After { get; set; }
    }

    private sealed class Result(string setup)
    {
        public string Setup { get; } = setup;

        public double FirstListeningMs { get; init; }

        public double ListeningMs { get; init; }

        public Memory Start { get; set; }

        public Memory Idle { get; set; }

        public List<Http> Http { get; } = [];

        public Memory AfterLoad { get; set; }

        public int Run { get; set; }

        public int ExitCode { get; set; }
    }
}
