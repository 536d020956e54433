using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Host;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Benchmarks.Output;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// `pop3 [binary] [messages] [runs] [window]`: RETR of every message of a mailbox of [messages] 10 KiB messages,
/// EdgeMail's POP3 (the real program, as `serve`) beside Debian's Dovecot on 127.0.0.1, both holding the
/// same messages. Each server first gets a warm-up session that retrieves and checks every body, shown
/// but left out of the summary (Dovecot builds its index and moves new/ to cur/; EdgeMail reads every body
/// at login to learn the wire sizes it then caches); then
/// [runs] rounds of two sessions per server, alternating which server goes first: RETR pipelined with
/// [window] commands in flight (both advertise PIPELINING, RFC 2449 §6.6) and one RETR at a time. Every
/// session ends with QUIT and no DELE, so the mailbox is the same for every run. Reported per server:
/// messages/s, MB/s of message octets (LIST sizes), the server's CPU time during the RETRs (utime+stime
/// of its process tree), and EdgeMail's rate over Dovecot's.
/// </summary>
internal static class Pop3Benchmark
{
    private const string Pipelined = "pipelined";
    private const string OneAtATime = "one at a time";
    private const int MaxReportedErrors = 5;

    // Variables of the dotnet CLI and host, which do not change how the native edgemail runs.
    private static readonly string[] NotRuntimeSettings = ["DOTNET_CLI_", "DOTNET_ROOT", "DOTNET_NOLOGO", "DOTNET_GENERATE_ASPNET_CERTIFICATE", "DOTNET_SKIP_"];

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        var count = c.IntArg(1, 2000);
        var runs = c.IntArg(2, 9);
        var window = c.IntArg(3, 100);
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync(
                "pop3: no edgemail binary; pass its path (or set EDGEMAIL_BINARY), e.g.\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/edgemail-x64   (then pop3 /var/tmp/edgemail-x64/edgemail)");
            return 1;
        }

        if (DovecotPop3Server.FindBinary() is null)
        {
            await Console.Error.WriteLineAsync($"pop3: Dovecot's POP3 server is missing: apt-get install {DovecotPop3Server.Package}");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var messages = Enumerable.Range(1, count).Select(Pop3Mailbox.Message).ToArray();
        var expected = messages.Select(Pop3Mailbox.Wire).ToArray();
        var root = Path.Combine(BenchmarkContext.DefaultRoot, "pop3-" + Environment.ProcessId);
        var sessions = new List<Session>();
        var errors = new List<string>();
        var servers = new List<IPop3Server>();
        try
        {
            Report.Progress($"pop3: starting {binary}...");
            servers.Add(await EdgeMailPop3Server.StartAsync(binary, Path.Combine(root, "edgemail"), messages));
            Report.Progress("pop3: starting Dovecot...");
            servers.Add(await DovecotPop3Server.StartAsync(Path.Combine(root, "dovecot"), messages));

            foreach (var server in servers)
            {
                Report.Progress($"pop3: {server.Name}: warm-up session, checking every body...");
                sessions.Add(Measure(server, "warm-up (first session)", window, count, expected, errors));
            }

            for (var run = 0; run < runs; run++)
            {
                foreach (var (mode, modeWindow) in new[] { (Pipelined, window), (OneAtATime, 1) })
                {
                    // Alternate the order, so that neither server always runs after the other's page-cache and CPU footprint.
                    foreach (var server in run % 2 == 0 ? servers : Enumerable.Reverse(servers))
                    {
                        Report.Progress($"pop3: run {run + 1}/{runs}, {mode}, {server.Name}...");
                        sessions.Add(Measure(server, mode, modeWindow, count, null, errors));
                    }
                }
            }
        }
        finally
        {
            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        var title = $"pop3: RETR of {count} x {Pop3Mailbox.MessageBytes / 1024} KiB messages on 127.0.0.1, {runs} run(s); EdgeMail {binary}, Dovecot {DovecotPop3Server.Version()}";
        var detail = new Table(title, "session", "server", "window", "login ms", "RETR s", "msg/s", "MB/s", "server CPU s", "CPU us/msg", "client CPU s", "QUIT ms");
        foreach (var s in sessions)
        {
            detail.Add(s.Mode, s.Server, s.Window, s.LoginMs, s.Seconds, s.MessagesPerSecond, s.MegabytesPerSecond, s.CpuSeconds, s.CpuMicrosecondsPerMessage, s.ClientCpuSeconds, s.QuitMs);
        }

        detail.Note("login ms = USER to the +OK of PASS, then LIST (the maildrop is opened there); RETR s = first RETR sent to the last terminator read.");
        detail.Note("MB/s = message octets (LIST sizes, CRLF line ends) per second, 1 MB = 10^6 octets.");
        detail.Note("server CPU = utime+stime of the server's process tree (EdgeMail: one process; Dovecot: master, auth, pop3 ...) during the RETRs.");
        detail.Note("client CPU = this benchmark process over the same interval (the warm-up also copies and compares every body).");
        detail.Note($"load average at start: {load} (the machine is shared; compare servers within a run).");
        var runtimeSettings = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && !NotRuntimeSettings.Any(p => k.StartsWith(p, StringComparison.Ordinal)))
            .Order().ToList();
        detail.Note("edgemail inherits this environment; DOTNET_ runtime settings: " +
            (runtimeSettings.Count == 0 ? "none" : string.Join(", ", runtimeSettings.Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}"))));
        c.Report.Add(detail);

        var summary = new Table($"pop3 summary: median of {runs} run(s), {count} messages", "mode", "EdgeMail msg/s", "Dovecot msg/s",
            "EdgeMail MB/s", "Dovecot MB/s", "EdgeMail/Dovecot", "ratio min-max", "EdgeMail CPU us/msg", "Dovecot CPU us/msg");
        foreach (var mode in new[] { Pipelined, OneAtATime })
        {
            var edge = sessions.Where(s => s.Mode == mode && s.Server == "EdgeMail").ToList();
            var dovecot = sessions.Where(s => s.Mode == mode && s.Server == "Dovecot").ToList();
            if (edge.Count == 0 || dovecot.Count == 0)
            {
                continue;
            }

            // The ratio pairs the two sessions of each run, which ran back to back under the same load.
            var ratios = edge.Zip(dovecot, (e, d) => e.MessagesPerSecond / d.MessagesPerSecond).ToList();
            summary.Add(mode + (mode == Pipelined ? $" ({window})" : ""), Median(edge.Select(s => s.MessagesPerSecond)), Median(dovecot.Select(s => s.MessagesPerSecond)),
                Median(edge.Select(s => s.MegabytesPerSecond)), Median(dovecot.Select(s => s.MegabytesPerSecond)), Median(ratios),
                string.Create(CultureInfo.InvariantCulture, $"{ratios.Min():F2}-{ratios.Max():F2}"),
                Median(edge.Select(s => s.CpuMicrosecondsPerMessage)), Median(dovecot.Select(s => s.CpuMicrosecondsPerMessage)));
        }

        summary.Note("EdgeMail/Dovecot = median over the runs of EdgeMail's msg/s over Dovecot's in the same run; target (the POP3 issue): >= 1 in both modes.");
        summary.Note(string.Create(CultureInfo.InvariantCulture,
            $"CPU us/msg = server CPU time during the RETRs per message; utime and stime count clock ticks, and one tick is {1e6 / Libc.ClockTicksPerSecond / count:F1} us/msg here."));
        c.Report.Add(summary);
        foreach (var error in errors.Take(MaxReportedErrors))
        {
            c.Report.Conclusion("pop3: WRONG: " + error);
        }

        if (errors.Count > MaxReportedErrors)
        {
            c.Report.Conclusion($"pop3: {errors.Count - MaxReportedErrors} more error(s)");
        }

        return errors.Count == 0 ? 0 : 1;
    }

    private static Session Measure(IPop3Server server, string mode, int window, int count, byte[][]? expected, List<string> errors)
    {
        using var client = Pop3Client.Connect(server.Port);
        var login = Stopwatch.StartNew();
        client.Login(server.User, server.Password);
        var sizes = client.List();
        login.Stop();
        if (sizes.Count != count || sizes.Any(size => size != Pop3Mailbox.MessageBytes))
        {
            errors.Add($"{server.Name} ({mode}): LIST has {sizes.Count} messages (expected {count}), sizes {string.Join(",", sizes.Distinct().Take(5))} (expected {Pop3Mailbox.MessageBytes})");
        }

        var seen = new bool[count];
        Action<int, byte[]>? check = expected is null ? null : (number, body) =>
        {
            var id = Pop3Mailbox.NumberOf(body);
            if (id < 1 || id > count)
            {
                errors.Add($"{server.Name}: RETR {number} returned {body.Length} octets without a known Message-ID");
            }
            else if (seen[id - 1])
            {
                errors.Add($"{server.Name}: RETR {number} returned message {id} a second time");
            }
            else if (!body.AsSpan().SequenceEqual(expected[id - 1]))
            {
                seen[id - 1] = true;
                errors.Add($"{server.Name}: RETR {number} (message {id}) differs from the stored message: {body.Length} octets, expected {expected[id - 1].Length} (with byte-stuffing)");
            }
            else
            {
                seen[id - 1] = true;
            }
        };

        var cpuBefore = ProcessCpu.Snapshot(server.ProcessId);
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var retr = Stopwatch.StartNew();
        var octets = client.Retrieve(1, sizes.Count, window, check);
        retr.Stop();
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientBefore;
        var cpuAfter = ProcessCpu.Snapshot(server.ProcessId);
        var quit = Stopwatch.StartNew();
        client.Quit();
        quit.Stop();
        if (expected is not null && seen.Count(s => !s) is > 0 and var missing)
        {
            errors.Add($"{server.Name}: {missing} stored message(s) never returned by RETR");
        }

        var stuffed = octets - sizes.Sum();
        if (stuffed != sizes.Count)
        {
            // One line per message starts with ".", so RETR sends exactly one extra octet per message.
            errors.Add($"{server.Name} ({mode}): RETR sent {octets} body octets for LIST sizes totalling {sizes.Sum()}: {stuffed} more, expected {sizes.Count} (one stuffed dot each)");
        }

        return new Session(server.Name, mode, window, login.Elapsed.TotalMilliseconds, retr.Elapsed.TotalSeconds, sizes.Count, sizes.Sum(),
            ProcessCpu.Seconds(cpuBefore, cpuAfter), clientCpu.TotalSeconds, quit.Elapsed.TotalMilliseconds);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Session(string Server, string Mode, int Window, double LoginMs, double Seconds, int Messages, long Octets, double CpuSeconds, double ClientCpuSeconds, double QuitMs)
    {
        public double MessagesPerSecond => Messages / Seconds;

        public double MegabytesPerSecond => Octets / Seconds / 1e6;

        public double CpuMicrosecondsPerMessage => CpuSeconds * 1e6 / Messages;
    }
}
