using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Host;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Benchmarks.Pop3;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// `append-latency [--appends N] [--runs R] [--size BYTES] [--binary PATH] [--servers edgemail,dovecot]
/// [--dovecot-format sdbox|maildir] [--dir DIR]`: serial APPENDs with a synchronizing literal, sent the way
/// Python's imaplib sends them (command; after "+", the message and its CRLF as two writes), one at a time, each
/// timed from the command to its tagged OK. Once from a client with Nagle's algorithm on (as imaplib and most
/// clients: the CRLF then waits until the server acknowledges the literal, which a delayed ACK holds up to
/// 40 ms) and once with TCP_NODELAY, against EdgeMail (`serve`) and Debian's Dovecot (Imap/dovecot.sh), one server
/// after the other. Each server gets a warm-up session of each kind first, left out of the figures.
/// </summary>
internal static class AppendLatencyBenchmark
{
    private const int WarmUpAppends = 10;

    // A delayed ACK costs at least 40 ms (Linux TCP_DELACK_MIN); an APPEND past 35 ms most likely waited for one.
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(35);
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(10);

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var options = ImapBenchmark.Options(c);
        var appends = ImapBenchmark.Int(options, "appends", 200);
        var runs = ImapBenchmark.Int(options, "runs", 3);
        var size = ImapBenchmark.Int(options, "size", 2048);
        var servers = options.GetValueOrDefault("servers", "edgemail,dovecot").Split(',');
        var format = options.GetValueOrDefault("dovecot-format", "sdbox");
        var binary = options.GetValueOrDefault("binary") ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        if (servers.Contains("edgemail") && (binary is null || !File.Exists(binary)))
        {
            await Console.Error.WriteLineAsync("append-latency: no edgemail binary; pass --binary PATH (a native edgemail or an edgemail.dll), e.g.\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/edgemail-x64   (then --binary /var/tmp/edgemail-x64/edgemail)");
            return 1;
        }

        if (servers.Contains("dovecot") && !File.Exists("/usr/sbin/dovecot"))
        {
            await Console.Error.WriteLineAsync("append-latency: Dovecot is not installed: apt-get install dovecot-imapd");
            return 1;
        }

        binary = binary is null ? null : Path.GetFullPath(binary);
        var command = "dotnet run -c Release --project tests/EdgeMail.Benchmarks -- append-latency " + string.Join(' ', Enumerable.Range(0, 64).Select(c.Arg).TakeWhile(a => a is not null));
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var message = SampleMessage.Create(size);
        var root = options.GetValueOrDefault("dir") ?? Path.Combine(BenchmarkContext.DefaultRoot, "append-latency-" + Environment.ProcessId);
        IReadOnlyList<(string, int)> users = [(MessageCorpus.Address, 0)];
        var samples = new List<(string Server, bool NoDelay, List<double> Ms)>();
        var errors = new List<string>();
        try
        {
            foreach (var name in servers)
            {
                var dir = Path.Combine(root, name);
                Directory.CreateDirectory(dir);
                try
                {
                    ServerProcess server;
                    if (name == "edgemail")
                    {
                        await EdgeMailSetup.FillAsync(binary!, dir, users, ImapLoad.Password);
                        server = await EdgeMailSetup.StartAsync(binary!, dir, 10);
                    }
                    else
                    {
                        DovecotSetup.Fill(dir, users, ImapLoad.Password);
                        server = await DovecotSetup.StartAsync(dir, format);
                    }

                    await using (server)
                    {
                        foreach (var noDelay in (bool[])[false, true])
                        {
                            await SessionAsync(server, noDelay, WarmUpAppends, message);
                            samples.Add((server.Name, noDelay, []));
                        }

                        for (var run = 0; run < runs; run++)
                        {
                            foreach (var noDelay in (bool[])[false, true])
                            {
                                Report.Progress($"append-latency: {server.Name}: run {run + 1}/{runs}, {Client(noDelay)}, {appends} APPENDs...");
                                samples.First(s => s.Server == server.Name && s.NoDelay == noDelay).Ms.AddRange(await SessionAsync(server, noDelay, appends, message));
                            }
                        }
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException or OperationCanceledException or System.ComponentModel.Win32Exception)
                {
                    Report.Progress($"append-latency: {name}: {ex.Message}");
                    errors.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
        finally
        {
            if (!options.ContainsKey("dir") && Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        var table = new Table($"append-latency: serial APPEND of {size}-octet messages, synchronizing literal, {runs} session(s) of {appends} per row",
            "server", "client", "APPENDs", "median ms", "p90 ms", "p99 ms", "max ms", $">= {Stall.TotalMilliseconds} ms", "APPEND/s");
        foreach (var (server, noDelay, ms) in samples.Where(s => s.Ms.Count > 0))
        {
            var sorted = ms.Order().ToList();
            table.Add(server, Client(noDelay), ms.Count, Round(Percentile(sorted, 0.5)), Round(Percentile(sorted, 0.9)), Round(Percentile(sorted, 0.99)),
                Round(sorted[^1]), ms.Count(t => t >= Stall.TotalMilliseconds), Math.Round(ms.Count / (ms.Sum() / 1000), 1));
        }

        table.Note("Each APPEND as imaplib sends it: \"aN APPEND INBOX {size}\" CRLF; after the server's \"+\", the message and then its CRLF, two writes;");
        table.Note("timed from the command's write to the tagged OK. Nagle on = TCP_NODELAY not set on the client socket, as imaplib, smtplib and most clients.");
        table.Note("Each server answers OK with the message on stable storage (EdgeMail: fsync of the body and SQLite FULL; Dovecot: its default mail_fsync=optimized).");
        if (binary is not null && servers.Contains("edgemail"))
        {
            table.Note($"EdgeMail: {binary}");
        }

        if (servers.Contains("dovecot") && File.Exists("/usr/sbin/dovecot"))
        {
            table.Note($"Dovecot {DovecotPop3Server.Version()}, {format}.");
        }

        table.Note($"load average at start: {load} (the machine is shared; compare servers within a run).");
        table.Note($"command: {command}");
        foreach (var error in errors)
        {
            table.Note("error: " + error);
        }

        c.Report.Add(table);
        return errors.Count == 0 ? 0 : 1;
    }

    private static string Client(bool noDelay) => noDelay ? "TCP_NODELAY" : "Nagle on";

    private static async Task<List<double>> SessionAsync(ServerProcess server, bool noDelay, int appends, byte[] message)
    {
        using var timeout = new CancellationTokenSource(SessionTimeout);
        await using var client = await RawImapClient.LoginAsync(server.Port, false, MessageCorpus.Address, ImapLoad.Password, timeout.Token, noDelay);
        var ms = new List<double>(appends);
        for (var i = 0; i < appends; i++)
        {
            var watch = Stopwatch.StartNew();
            var reply = await client.SynchronizingAppendAsync("INBOX", message, timeout.Token);
            ms.Add(watch.Elapsed.TotalMilliseconds);
            if (!reply.StartsWith("OK", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{server.Name}: APPEND answered {reply}");
            }
        }

        await client.CheckedAsync("LOGOUT", timeout.Token);
        return ms;
    }

    // Nearest rank.
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static double Round(double ms) => Math.Round(ms, ms < 10 ? 2 : 1);
}
