using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeMail.Benchmarks.Host;
using EdgeMail.Benchmarks.Imap;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Benchmarks.Pop3;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Fetch;

/// <summary>
/// `fetch [--messages 10000] [--binary PATH] [--samples 20] [--runs edgemail,fetchmail-mda,fetchmail-smtp]
/// [--dovecot-format sdbox|maildir] [--dir DIR]`: the provider is Debian's Dovecot on 127.0.0.1 (Imap/dovecot.sh)
/// with an INBOX of N MessageCorpus messages of 2 to 20 KiB; each run pulls all of it over IMAPS (TLS on the same
/// loopback link) into a fresh EdgeMail box:
/// (a) EdgeMail's own fetch account (`edgemail fetch add` to a running `serve`), timed from the command to the
/// moment alice's INBOX holds N messages (STATUS polled every 100 ms); (b) fetchmail with `keep fetchall`,
/// delivering each message by `mda "edgemail sendmail ..."`, and (c) fetchmail delivering by SMTP to the box's
/// port 25, each timed from its start to its exit. Prints messages/s, the peak RSS (VmHWM) of the box and of
/// fetchmail, their CPU time, and the box's RSS before. After (a), the push latency: with the fetch account in
/// IDLE on Dovecot, one APPEND at a time to Dovecot, timed from the APPEND's write to the moment a local IMAP IDLE
/// client on the box sees EXISTS (median, p95 of --samples).
/// </summary>
internal static class FetchBenchmark
{
    private const string RemoteUser = "bench@provider.test";
    private const string RemotePassword = "provider-password-1";
    private const string LocalUser = "alice@edgemail.local";
    private const string LocalPassword = "box-password-1";
    private const int MaxMessageBytes = 20 * 1024;

    private static readonly TimeSpan SyncDeadline = TimeSpan.FromMinutes(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var options = ImapBenchmark.Options(c);
        var n = ImapBenchmark.Int(options, "messages", 10_000);
        var samples = ImapBenchmark.Int(options, "samples", 20);
        var runs = options.GetValueOrDefault("runs", "edgemail,fetchmail-mda,fetchmail-smtp").Split(',');
        var format = options.GetValueOrDefault("dovecot-format", "sdbox");
        var binary = options.GetValueOrDefault("binary") ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync("fetch: no edgemail binary; pass --binary PATH, e.g.\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/edgemail-x64   (then --binary /var/tmp/edgemail-x64/edgemail)");
            return 1;
        }

        if (!File.Exists("/usr/sbin/dovecot"))
        {
            await Console.Error.WriteLineAsync("fetch: Dovecot is not installed: apt-get install dovecot-imapd");
            return 1;
        }

        if (runs.Any(r => r.StartsWith("fetchmail", StringComparison.Ordinal)) && !File.Exists("/usr/bin/fetchmail"))
        {
            await Console.Error.WriteLineAsync("fetch: fetchmail is not installed: apt-get install fetchmail");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var command = "dotnet run -c Release --project tests/EdgeMail.Benchmarks -- fetch " + string.Join(' ', Enumerable.Range(0, 64).Select(c.Arg).TakeWhile(a => a is not null));
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var root = options.GetValueOrDefault("dir") ?? Path.Combine(BenchmarkContext.DefaultRoot, "fetch-" + Environment.ProcessId);
        var results = new List<SyncResult>();
        var latencies = new List<(double Local, double Provider)>();
        var errors = new List<string>();
        try
        {
            var dovecotDir = Path.Combine(root, "dovecot");
            Directory.CreateDirectory(dovecotDir);
            Report.Progress($"fetch: writing {n} messages (2-{MaxMessageBytes / 1024} KiB) for Dovecot...");
            DovecotSetup.Fill(dovecotDir, [(RemoteUser, n)], RemotePassword, MaxMessageBytes);
            await using var dovecot = await DovecotSetup.StartAsync(dovecotDir, format);
            var remoteBytes = await RemoteSizeAsync(dovecot, n);
            foreach (var run in runs)
            {
                try
                {
                    Report.Progress($"fetch: {run}: {n} messages...");
                    var box = await LocalBox.StartAsync(binary, Path.Combine(root, run));
                    await using (box)
                    {
                        results.Add(run switch
                        {
                            "edgemail" => await EdgeMailSyncAsync(box, dovecot, n),
                            "fetchmail-mda" => await FetchmailAsync(box, dovecot, n, root, mda: true, binary),
                            "fetchmail-smtp" => await FetchmailAsync(box, dovecot, n, root, mda: false, binary),
                            _ => throw new InvalidOperationException($"--runs names edgemail, fetchmail-mda and fetchmail-smtp, not {run}"),
                        });
                        if (run == "edgemail" && samples > 0)
                        {
                            latencies.AddRange(await PushLatencyAsync(box, dovecot, n, samples));
                        }
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException or System.ComponentModel.Win32Exception)
                {
                    Report.Progress($"fetch: {run}: {ex.Message}");
                    errors.Add($"{run}: {ex.GetType().Name}: {ex.Message}");
                }
            }

            Print(c, results, latencies, n, remoteBytes, format, load, command, binary, errors);
        }
        finally
        {
            if (!options.ContainsKey("dir") && Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        return errors.Count == 0 ? 0 : 1;
    }

    /// <summary>(a): `fetch add` to the running box, then until its INBOX holds every message.</summary>
    private static async Task<SyncResult> EdgeMailSyncAsync(LocalBox box, ServerProcess dovecot, int n)
    {
        var before = box.Rss();
        var cpu = ProcessCpu.Snapshot(box.Pid);
        var clock = Stopwatch.StartNew();
        var (exit, _, error) = await EdgeMailProcess.RunProgramAsync(box.Binary, [
            "fetch", "add", "dovecot", "--data", box.Data, "--host", "127.0.0.1", "--port", dovecot.TlsPort.ToString(CultureInfo.InvariantCulture),
            "--user", RemoteUser, "--to", LocalUser, "--insecure-tls", "--password-stdin"], RemotePassword + "\n");
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail fetch add failed (exit {exit}): {error.Trim()}");
        }

        await box.WaitForMessagesAsync(n, clock, SyncDeadline);
        var seconds = clock.Elapsed.TotalSeconds;
        var boxCpu = ProcessCpu.Seconds(cpu, ProcessCpu.Snapshot(box.Pid));
        var fetched = await box.FetchedAsync();
        if (fetched != n)
        {
            throw new InvalidOperationException($"fetch status says {fetched} fetched, the INBOX holds {n}");
        }

        return new SyncResult("EdgeMail fetch account (IMAPS, pipelined UID FETCH)", n, seconds, box.PeakRss(), before, boxCpu, null, null);
    }

    /// <summary>(b), (c): fetchmail over the same link into a fresh box, by its sendmail or by SMTP.</summary>
    private static async Task<SyncResult> FetchmailAsync(LocalBox box, ServerProcess dovecot, int n, string root, bool mda, string binary)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException("fetchmail runs on Linux only here (/proc is read)");
        }

        var before = box.Rss();
        var home = Path.Combine(root, mda ? "fetchmail-mda-home" : "fetchmail-smtp-home");
        Directory.CreateDirectory(home);
        var rc = Path.Combine(home, "fetchmailrc");
        var delivery = mda
            ? $"mda \"{binary} sendmail --data {box.Data} --Smtp:Port={box.SmtpPort} -i -f %F {LocalUser}\""
            : $"smtphost \"127.0.0.1/{box.SmtpPort}\" smtpname \"{LocalUser}\"";
        await File.WriteAllTextAsync(rc, $"""
            # Written by the `fetch` benchmark (tests/EdgeMail.Benchmarks/Fetch/FetchBenchmark.cs).
            set no bouncemail
            set no syslog
            poll 127.0.0.1 with protocol IMAP port {dovecot.TlsPort} timeout 600
                user "{RemoteUser}" there with password "{RemotePassword}" is "{LocalUser}" here
                ssl no sslcertck keep fetchall
                {delivery}

            """);
        File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite); // fetchmail refuses a readable rc file
        var info = new ProcessStartInfo("/usr/bin/fetchmail", ["-f", rc, "--nodetach", "--nosyslog"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["FETCHMAILHOME"] = home;
        var boxCpu = ProcessCpu.Snapshot(box.Pid);
        var clock = Stopwatch.StartNew();
        using var fetchmail = Process.Start(info)!;
        var output = Task.WhenAll(fetchmail.StandardOutput.ReadToEndAsync(), fetchmail.StandardError.ReadToEndAsync());
        var peak = 0L;
        var cpuTicks = 0L;
        while (!fetchmail.HasExited)
        {
            // Sampled while it runs: VmHWM only grows; utime+stime with its waited-for children (the mda processes).
            peak = Math.Max(peak, Common.ProcIo.Read("VmHWM:", $"/proc/{fetchmail.Id}/status"));
            cpuTicks = Math.Max(cpuTicks, TreeTicks(fetchmail.Id));
            await Task.Delay(Poll);
        }

        await fetchmail.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        var text = await output;
        if (fetchmail.ExitCode != 0)
        {
            throw new InvalidOperationException($"fetchmail exited {fetchmail.ExitCode}: {Tail(text[1] + text[0])}");
        }

        await box.WaitForMessagesAsync(n, clock, TimeSpan.FromMinutes(1));
        var boxSeconds = ProcessCpu.Seconds(boxCpu, ProcessCpu.Snapshot(box.Pid));
        var name = mda ? "fetchmail, mda \"edgemail sendmail\"" : "fetchmail, SMTP to EdgeMail's port 25";
        return new SyncResult(name, n, seconds, box.PeakRss(), before, boxSeconds, peak, cpuTicks / (double)Interop.Libc.ClockTicksPerSecond);
    }

    /// <summary>
    /// (c) With the fetch account in IDLE at Dovecot: an APPEND there (LITERAL+, one write), timed until the local
    /// IDLE client sees EXISTS, and until a client idling on Dovecot itself sees it (what the provider alone takes);
    /// a pause between, so that the fetch account is back in IDLE. The appended messages are expunged at the end, so
    /// that the next run finds the N messages.
    /// </summary>
    private static async Task<List<(double Local, double Provider)>> PushLatencyAsync(LocalBox box, ServerProcess dovecot, int n, int samples)
    {
        Report.Progress($"fetch: push latency, {samples} APPENDs at Dovecot...");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var token = cts.Token;
        await box.WaitForIdleAsync(TimeSpan.FromSeconds(60));
        await using var local = await RawImapClient.LoginAsync(box.ImapPort, tls: false, LocalUser, LocalPassword, token);
        await local.CheckedAsync("SELECT INBOX", token);
        await local.IdleAsync(token);
        await using var watcher = await RawImapClient.LoginAsync(dovecot.Port, tls: false, RemoteUser, RemotePassword, token);
        await watcher.CheckedAsync("EXAMINE INBOX", token);
        await watcher.IdleAsync(token);
        await using var remote = await RawImapClient.LoginAsync(dovecot.Port, tls: false, RemoteUser, RemotePassword, token);
        var untagged = new List<string>();
        await remote.CheckedAsync("STATUS INBOX (UIDNEXT)", token, untagged);
        var first = LocalBox.Number(untagged.FirstOrDefault(l => l.StartsWith("* STATUS", StringComparison.Ordinal)) ?? "", "UIDNEXT");
        var ms = new List<(double, double)>();
        for (var i = 0; i < samples; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), token);
            var message = MessageCorpus.Create(n + i, MaxMessageBytes);
            var clock = Stopwatch.StartNew();
            var atProvider = ExistsAsync(watcher, clock, token);
            var here = ExistsAsync(local, clock, token);
            await remote.CheckedAsync("APPEND INBOX", token, literal: message);
            ms.Add((await here, await atProvider));
        }

        await remote.CheckedAsync("SELECT INBOX", token);
        await remote.CheckedAsync(string.Create(CultureInfo.InvariantCulture, $"UID STORE {first}:* +FLAGS.SILENT (\\Deleted)"), token);
        await remote.CheckedAsync("EXPUNGE", token);
        return ms;

        static async Task<double> ExistsAsync(RawImapClient client, Stopwatch clock, CancellationToken token)
        {
            while (true)
            {
                var line = await client.NextLineAsync(token);
                if (line.StartsWith("* ", StringComparison.Ordinal) && line.EndsWith(" EXISTS", StringComparison.Ordinal))
                {
                    return clock.Elapsed.TotalMilliseconds;
                }
            }
        }
    }

    /// <summary>Checks that Dovecot serves the N messages; their size in bytes (CRLF, as IMAP sends them).</summary>
    private static async Task<long> RemoteSizeAsync(ServerProcess dovecot, int n)
    {
        await using var client = await RawImapClient.LoginAsync(dovecot.Port, tls: false, RemoteUser, RemotePassword, CancellationToken.None);
        var untagged = new List<string>();
        await client.CheckedAsync("STATUS INBOX (MESSAGES)", CancellationToken.None, untagged);
        var status = untagged.FirstOrDefault(l => l.StartsWith("* STATUS", StringComparison.Ordinal)) ?? "";
        if (LocalBox.Number(status, "MESSAGES") != n)
        {
            throw new InvalidOperationException($"Dovecot's INBOX: {status}, not {n} messages");
        }

        return Enumerable.Range(0, n).Sum(i => (long)MessageCorpus.Create(i, MaxMessageBytes).Length);
    }

    /// <summary>utime+stime+cutime+cstime of one process (fields 14-17 of /proc/PID/stat), 0 once it is gone.</summary>
    private static long TreeTicks(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return Enumerable.Range(11, 4).Sum(f => long.Parse(fields[f], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static string Tail(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - 5)));
    }

    private static void Print(BenchmarkContext c, List<SyncResult> results, List<(double Local, double Provider)> latencies, int n, long remoteBytes, string format, string load, string command, string binary, List<string> errors)
    {
        var table = new Table($"fetch: first sync of {n} messages ({remoteBytes / (1024.0 * 1024):0.0} MiB at the provider, 2-{MaxMessageBytes / 1024} KiB each) from Dovecot over IMAPS on 127.0.0.1",
            "fetcher", "seconds", "msg/s", "MiB/s", "box peak RSS MiB", "box RSS before MiB", "box CPU s", "fetchmail peak RSS MiB", "fetchmail CPU s");
        foreach (var r in results)
        {
            table.Add(r.Name, Math.Round(r.Seconds, 1), Math.Round(r.Messages / r.Seconds, 0), Math.Round(remoteBytes / (1024.0 * 1024) / r.Seconds, 2),
                Mib(r.BoxPeakKiB), Mib(r.BoxBeforeKiB), Math.Round(r.BoxCpuSeconds, 1),
                r.FetchmailPeakKiB is { } peak ? Mib(peak) : "-", r.FetchmailCpuSeconds is { } cpu ? Math.Round(cpu, 1) : "-");
        }

        var edgemail = results.FirstOrDefault(r => r.Name.StartsWith("EdgeMail", StringComparison.Ordinal));
        foreach (var other in results.Where(r => r != edgemail && edgemail is not null))
        {
            table.Note(string.Create(CultureInfo.InvariantCulture, $"EdgeMail's fetch account is {other.Seconds / edgemail!.Seconds:0.0}x as fast as {other.Name}."));
        }

        table.Note("Each run starts a fresh box (`edgemail serve`, one account); every message is committed (fsync, SQLite FULL) before it counts.");
        table.Note("EdgeMail: timed from `edgemail fetch add` to the INBOX holding every message (STATUS every 100 ms); box peak RSS is its VmHWM since its start.");
        table.Note("fetchmail: `keep fetchall`, ssl, no sslcertck, timed from its start to its exit; its RSS and CPU (with its mda children) sampled every 100 ms.");
        table.Note($"Dovecot {DovecotPop3Server.Version()}, {format}; {FetchmailVersion()}; EdgeMail {binary}.");
        table.Note($"load average at start: {load} (the machine is shared; compare within a run).");
        table.Note($"command: {command}");
        foreach (var error in errors)
        {
            table.Note("error: " + error);
        }

        c.Report.Add(table);
        if (latencies.Count > 0)
        {
            var latency = new Table($"fetch: push latency, APPEND at Dovecot -> EXISTS at an IDLE client ({latencies.Count} samples, {n} messages already fetched)",
                "IDLE client", "median ms", "p95 ms", "min ms", "max ms");
            foreach (var (name, values) in (IEnumerable<(string, List<double>)>)[
                ("on the box (fetched by EdgeMail)", latencies.Select(l => l.Local).ToList()),
                ("on Dovecot itself (the provider's part)", latencies.Select(l => l.Provider).ToList())])
            {
                var sorted = values.Order().ToList();
                latency.Add(name, Math.Round(Percentile(sorted, 0.5), 1), Math.Round(Percentile(sorted, 0.95), 1), Math.Round(sorted[0], 1), Math.Round(sorted[^1], 1));
            }

            c.Report.Add(latency
                .Note("The fetch account waits in IDLE on Dovecot's INBOX; Dovecot's EXISTS wakes it, it fetches the new message and commits it, and the box's IDLE session announces it.")
                .Note("Timed from the write of the APPEND (LITERAL+, one write, plain IMAP to Dovecot) to each client's \"* N EXISTS\"; 500 ms between samples."));
        }
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Mib(long kib) => (kib / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string FetchmailVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("/usr/bin/fetchmail", ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var first = process.StandardOutput.ReadLine() ?? "";
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return first.Replace("This is ", "", StringComparison.Ordinal).Split(',')[0].Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "fetchmail (version unknown)";
        }
    }

    private sealed record SyncResult(string Name, int Messages, double Seconds, long BoxPeakKiB, long BoxBeforeKiB, double BoxCpuSeconds, long? FetchmailPeakKiB, double? FetchmailCpuSeconds);

    /// <summary>One fresh `edgemail serve` with alice, plain IMAP and SMTP on 127.0.0.1.</summary>
    private sealed class LocalBox : IAsyncDisposable
    {
        private readonly ServeProcess _serve;

        private LocalBox(string binary, string data, ServeProcess serve, int imapPort, int smtpPort)
        {
            Binary = binary;
            Data = data;
            _serve = serve;
            ImapPort = imapPort;
            SmtpPort = smtpPort;
        }

        public string Binary { get; }

        public string Data { get; }

        public int ImapPort { get; }

        public int SmtpPort { get; }

        public int Pid => _serve.Process.Id;

        public static async Task<LocalBox> StartAsync(string binary, string data)
        {
            Directory.CreateDirectory(data);
            await EdgeMailProcess.AddUserAsync(binary, data, LocalUser, LocalPassword);
            var imap = EdgeMailProcess.FreePort();
            var smtp = EdgeMailProcess.FreePort();
            var args = ServeProcess.OnlyArguments(data, ("Imap:Port", imap), ("Smtp:Port", smtp));
            var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, args), TimeSpan.FromSeconds(60));
            var box = new LocalBox(binary, data, serve, imap, smtp);

            // Its RSS once settled, before any mail: what the run adds is measured against this.
            await Task.Delay(TimeSpan.FromSeconds(2));
            return box;
        }

        public long Rss() => Common.ProcIo.Read("VmRSS:", $"/proc/{Pid}/status");

        public long PeakRss() => Common.ProcIo.Read("VmHWM:", $"/proc/{Pid}/status");

        /// <summary>Polls STATUS INBOX (MESSAGES) on one connection until it says <paramref name="n"/>.</summary>
        public async Task WaitForMessagesAsync(int n, Stopwatch clock, TimeSpan deadline)
        {
            await using var client = await RawImapClient.LoginAsync(ImapPort, tls: false, LocalUser, LocalPassword, CancellationToken.None);
            var last = -1L;
            var reported = Stopwatch.StartNew();
            while (true)
            {
                var untagged = new List<string>();
                await client.CheckedAsync("STATUS INBOX (MESSAGES)", CancellationToken.None, untagged);
                var messages = Number(untagged.FirstOrDefault(l => l.StartsWith("* STATUS", StringComparison.Ordinal)) ?? "", "MESSAGES");
                if (messages >= n)
                {
                    if (messages > n)
                    {
                        throw new InvalidOperationException($"the INBOX holds {messages} messages, more than the provider's {n}");
                    }

                    return;
                }

                if (clock.Elapsed > deadline || _serve.Process.HasExited)
                {
                    throw new TimeoutException($"the INBOX holds {messages} of {n} messages after {clock.Elapsed.TotalSeconds:0} s");
                }

                if (reported.Elapsed > TimeSpan.FromSeconds(10) && messages != last)
                {
                    Report.Progress(string.Create(CultureInfo.InvariantCulture, $"fetch: {messages}/{n} here after {clock.Elapsed.TotalSeconds:0} s"));
                    reported.Restart();
                    last = messages;
                }

                await Task.Delay(Poll);
            }
        }

        /// <summary>`fetch status --json`: the fetch account's count of committed messages.</summary>
        public async Task<long> FetchedAsync()
        {
            var (exit, stdout, error) = await EdgeMailProcess.RunProgramAsync(Binary, ["fetch", "status", "--json", "--data", Data]);
            if (exit != 0)
            {
                throw new InvalidOperationException($"edgemail fetch status failed (exit {exit}): {error.Trim()}");
            }

            using var json = JsonDocument.Parse(stdout);
            return json.RootElement.EnumerateArray().Sum(a => a.GetProperty("fetched").GetInt64());
        }

        /// <summary>Until `fetch status --json` says the fetch account waits in IDLE.</summary>
        public async Task WaitForIdleAsync(TimeSpan deadline)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var (_, stdout, _) = await EdgeMailProcess.RunProgramAsync(Binary, ["fetch", "status", "--json", "--data", Data]);
                using var json = JsonDocument.Parse(stdout);
                if (json.RootElement.EnumerateArray().Any(a => a.TryGetProperty("idling", out var idling) && idling.GetBoolean()))
                {
                    return;
                }

                if (clock.Elapsed > deadline)
                {
                    throw new TimeoutException($"the fetch account is not in IDLE after {deadline.TotalSeconds:0} s: {stdout.Trim()}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        /// <summary>The number after <paramref name="name"/> in a STATUS response, or -1.</summary>
        public static long Number(string status, string name)
        {
            var at = status.IndexOf(name + " ", StringComparison.Ordinal);
            if (at < 0)
            {
                return -1;
            }

            var digits = new string(status[(at + name.Length + 1)..].TakeWhile(char.IsAsciiDigit).ToArray());
            return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : -1;
        }

        public async ValueTask DisposeAsync()
        {
            await _serve.StopAsync(TimeSpan.FromSeconds(60));
            _serve.Process.Dispose();
        }
    }
}
