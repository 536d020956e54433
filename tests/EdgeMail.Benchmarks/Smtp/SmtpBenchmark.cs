using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Host;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Benchmarks.Pop3;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// `smtp [binary] [messages] [relay] [runs] [sessions] [size]`: the SMTP issue's benchmark. Postfix's smtp-source sends
/// [messages] messages of [size] bytes (default 10K; K and M suffixes) from [sessions] parallel sessions (a connection per message) to ann@edgemail.local,
/// first to EdgeMail (the real program) and then to a private Postfix delivering through LMTP into a private
/// Dovecot's Maildir: both answer 250 only once the message is on stable storage. Reported per server: accepted
/// msg/s (smtp-source's run), delivered msg/s (until the last message is in the mailbox), bytes written per
/// message by the server's processes (/proc/PID/io write_bytes, the SD-card wear figure) and by the whole disk,
/// and CPU per message. Then [relay] messages to someone@example.net, which both relay to smtp-sink: msg/s from
/// the first submission until the sink has received the last. [runs] rounds, alternating which server goes first.
/// </summary>
internal static class SmtpBenchmark
{
    private const string Local = "local delivery";
    private const string Relay = "relay to sink";
    private const string EdgeMailName = "EdgeMail";
    private const int WarmUpMessages = 200;
    private const int WarmUp = 0;
    private const int AsShipped = -1;

    // Postfix's smtpd_client_connection_count_limit (50); Postfix itself does not apply it to mynetworks
    // (smtpd_client_event_limit_exceptions), so loopback is unlimited there.
    private const int PerAddressLimit = 50;
    private static readonly TimeSpan SourceTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromMinutes(2);

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        var count = c.IntArg(1, 2000);
        var relayCount = c.IntArg(2, 500);
        var runs = c.IntArg(3, 2);
        var sessions = c.IntArg(4, 20);
        var size = c.SizeArg(5, SmtpTools.DefaultMessageBytes);
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync(
                "smtp: no edgemail binary; pass its path (or set EDGEMAIL_BINARY), e.g.\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/edgemail-x64   (then smtp /var/tmp/edgemail-x64/edgemail)");
            return 1;
        }

        if (!SmtpTools.Installed || !DovecotLmtp.Installed)
        {
            await Console.Error.WriteLineAsync($"smtp: needs smtp-source, smtp-sink and postfix ({SmtpTools.Package}) and Dovecot's LMTP ({DovecotLmtp.Packages}):\n" +
                "  echo \"postfix postfix/main_mailer_type select No configuration\" | debconf-set-selections\n" +
                $"  DEBIAN_FRONTEND=noninteractive apt-get install -y {SmtpTools.Package} {DovecotLmtp.Packages}");
            return 1;
        }

        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            await Console.Error.WriteLineAsync("smtp: run as root on Linux: postfix start and Dovecot's mail processes (as nobody) need it");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var root = Path.Combine(BenchmarkContext.DefaultRoot, "smtp-" + Environment.ProcessId);
        Directory.CreateDirectory(root);

        // Postfix's daemons and Dovecot's (as postfix and nobody) must reach their folders under it.
        var traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(BenchmarkContext.DefaultRoot, traversable);
        File.SetUnixFileMode(root, traversable);
        var disk = Disk.Of(root);
        var measurements = new List<Measurement>();
        var errors = new List<string>();
        var commands = new List<string>();
        long edgeLocal = 0, edgeRelay = 0, postfixLocal = 0, postfixRelay = 0;
        (long Inbox, int Queued) edgeCounts = default, defaultsCounts = default;
        long postfixDelivered = 0, sinkTotal = 0;
        string[] edgeProblems = [];
        SmtpSink? sink = null;
        EdgeMailSmtpServer? edge = null;
        PostfixSmtpServer? postfix = null;
        try
        {
            sink = await SmtpSink.StartAsync();
            commands.Add(SmtpTools.CommandLine(SmtpTools.Sink, sink.Arguments));

            // EdgeMail as shipped: 20 senders that reconnect after each message against its per-address limit of 20.
            Report.Progress("smtp: EdgeMail with its default limits...");
            var defaults = await EdgeMailSmtpServer.StartAsync("EdgeMail (default limits)", binary, Path.Combine(root, "edgemail-defaults"), sink.Port, []);
            Measurement shipped;
            try
            {
                shipped = await MeasureAsync(defaults, sink, disk, Local, AsShipped, count, sessions, size, errors);
            }
            finally
            {
                await defaults.DisposeAsync();
            }

            // What was delivered before smtp-source gave up can only be counted now, with the store unlocked.
            defaultsCounts = await defaults.CountAsync();
            measurements.Add(shipped with { Accepted = defaultsCounts.Inbox });
            if (shipped.Error is null && defaultsCounts.Inbox != count)
            {
                errors.Add($"EdgeMail (default limits): INBOX holds {defaultsCounts.Inbox} messages; smtp-source sent {count} without error");
            }
            else if (shipped.Error is not null)
            {
                errors.Add($"EdgeMail (default limits): smtp-source stopped after {defaultsCounts.Inbox} of {count} messages were delivered");
            }

            Report.Progress($"smtp: starting {binary} (Network:MaxConnectionsPerAddress={PerAddressLimit})...");
            edge = await EdgeMailSmtpServer.StartAsync(EdgeMailName, binary, Path.Combine(root, "edgemail"), sink.Port, [$"--Network:MaxConnectionsPerAddress={PerAddressLimit}"]);
            commands.AddRange(edge.Commands);
            Report.Progress("smtp: starting Postfix and Dovecot...");
            postfix = await PostfixSmtpServer.StartAsync(Path.Combine(root, "postfix-dovecot"), sink.Port);
            commands.AddRange(postfix.Commands);
            commands.Add(SmtpTools.CommandLine(SmtpTools.Source, SmtpTools.SourceArguments(edge.Port, count, sessions, SmtpTools.LocalRecipient, size)) + "   (EdgeMail; Postfix: its port)");
            commands.Add(SmtpTools.CommandLine(SmtpTools.Source, SmtpTools.SourceArguments(edge.Port, relayCount, sessions, SmtpTools.OutsideRecipient, size)) + "   (relay)");

            ISmtpServer[] servers = [edge, postfix];
            foreach (var server in servers)
            {
                Report.Progress($"smtp: {server.Name}: warm-up, {WarmUpMessages} messages...");
                var m = await MeasureAsync(server, sink, disk, Local, 0, WarmUpMessages, sessions, size, errors);
                measurements.Add(m);
                Count(server, m);
            }

            for (var run = 1; run <= runs; run++)
            {
                foreach (var phase in new[] { Local, Relay })
                {
                    foreach (var server in run % 2 == 1 ? servers : servers.Reverse())
                    {
                        Report.Progress($"smtp: run {run}/{runs}, {phase}, {server.Name}...");
                        var m = await MeasureAsync(server, sink, disk, phase, run, phase == Local ? count : relayCount, sessions, size, errors);
                        measurements.Add(m);
                        Count(server, m);
                    }
                }
            }

            postfixDelivered = postfix.Delivered() ?? 0;
            sinkTotal = sink.Messages;
        }
        finally
        {
            if (postfix is not null)
            {
                await postfix.DisposeAsync();
            }

            if (edge is not null)
            {
                await edge.DisposeAsync();
                edgeProblems = edge.Problems;
                edgeCounts = await edge.CountAsync();
            }

            if (sink is not null)
            {
                await sink.DisposeAsync();
            }

            if (Directory.Exists(root))
            {
                Directory.Delete(root, true);
            }
        }

        if (edgeCounts.Inbox != edgeLocal)
        {
            errors.Add($"EdgeMail: INBOX holds {edgeCounts.Inbox} messages after the runs; smtp-source had {edgeLocal} accepted");
        }

        if (edgeCounts.Queued != 0)
        {
            errors.Add($"EdgeMail: {edgeCounts.Queued} message(s) left in the relay queue after the runs");
        }

        if (postfixDelivered != postfixLocal)
        {
            errors.Add($"Postfix+Dovecot: the Maildir holds {postfixDelivered} messages; smtp-source had {postfixLocal} accepted");
        }

        if (sinkTotal != edgeRelay + postfixRelay)
        {
            errors.Add($"smtp-sink received {sinkTotal} messages; {edgeRelay + postfixRelay} were accepted for relay");
        }

        Print(c, measurements, count, relayCount, runs, sessions, size, binary, disk, load, commands);
        foreach (var error in errors)
        {
            c.Report.Conclusion("smtp: WRONG: " + error);
        }

        foreach (var problem in edgeProblems.Take(5))
        {
            c.Report.Conclusion("smtp: EdgeMail logged: " + problem);
        }

        return errors.Count == 0 ? 0 : 1;

        void Count(ISmtpServer server, Measurement m)
        {
            if (server is EdgeMailSmtpServer)
            {
                edgeLocal += m.Phase == Local ? m.Accepted : 0;
                edgeRelay += m.Phase == Relay ? m.Accepted : 0;
            }
            else
            {
                postfixLocal += m.Phase == Local ? m.Accepted : 0;
                postfixRelay += m.Phase == Relay ? m.Accepted : 0;
            }
        }
    }

    private static async Task<Measurement> MeasureAsync(ISmtpServer server, SmtpSink sink, Disk disk, string phase, int run, int count, int sessions, int size, List<string> errors)
    {
        var recipient = phase == Local ? SmtpTools.LocalRecipient : SmtpTools.OutsideRecipient;
        var deliveredBefore = server.Delivered();
        var sinkBefore = sink.Messages;
        var writesBefore = ProcessWrites.Snapshot(server.ProcessRoots);
        var cpuBefore = server.ProcessRoots.Select(ProcessCpu.Snapshot).ToList();
        var deviceBefore = disk.DeviceBytesWritten();
        var stopwatch = Stopwatch.StartNew();
        var source = await SmtpTools.RunSourceAsync(server.Port, count, sessions, recipient, size, SourceTimeout);
        var acceptSeconds = source.Elapsed.TotalSeconds;

        // smtp-source stops at the first unexpected reply; what it sent until then was accepted (the sink or mailbox count tells).
        string? error = source.ExitCode == 0 ? null : $"smtp-source exit {source.ExitCode}: {source.Error}";
        double? doneSeconds = null;
        long accepted = count;
        if (phase == Local && deliveredBefore is null)
        {
            // EdgeMail: the 250 comes after the commit, so accepted is delivered; the caller checks the INBOX's count after it stops.
            doneSeconds = error is null ? acceptSeconds : null;
            accepted = error is null ? count : 0;
        }
        else if (phase == Local && deliveredBefore is { } before)
        {
            var target = before + count;
            while (server.Delivered() < target && stopwatch.Elapsed < SourceTimeout + DeliveryTimeout && (error is null || stopwatch.Elapsed.TotalSeconds < acceptSeconds + 10))
            {
                await Task.Delay(5);
            }

            var delivered = server.Delivered()!.Value - before;
            doneSeconds = delivered == count ? stopwatch.Elapsed.TotalSeconds : null;
            accepted = delivered;
        }
        else if (phase == Relay)
        {
            var arrived = await sink.WaitForAsync(sinkBefore + count, error is null ? DeliveryTimeout : TimeSpan.FromSeconds(10));
            doneSeconds = arrived ? stopwatch.Elapsed.TotalSeconds : null;
            accepted = sink.Messages - sinkBefore;
        }

        if (error is not null)
        {
            errors.Add($"{server.Name}, {phase}, {RunName(run)}: {error}");
        }
        else if (doneSeconds is null)
        {
            errors.Add($"{server.Name}, {phase}, {RunName(run)}: only {accepted} of {count} messages arrived within {DeliveryTimeout.TotalSeconds:F0} s");
        }

        if (server is PostfixSmtpServer postfix)
        {
            // Count the queue files' removal too: wait until Postfix's queue is empty before the after-snapshot.
            var drain = Stopwatch.StartNew();
            while (postfix.QueueFiles() > 0 && drain.Elapsed < DeliveryTimeout)
            {
                await Task.Delay(10);
            }
        }

        var writesAfter = ProcessWrites.Snapshot(server.ProcessRoots);
        var cpu = server.ProcessRoots.Select(ProcessCpu.Snapshot).Zip(cpuBefore, (after, b) => ProcessCpu.Seconds(b, after)).Sum();
        var device = disk.DeviceBytesWritten() - deviceBefore;
        return new Measurement(server.Name, phase, run, count, accepted, acceptSeconds, doneSeconds,
            writesAfter.Written - writesBefore.Written, writesAfter.Cancelled - writesBefore.Cancelled, device, cpu, error);
    }

    private static void Print(BenchmarkContext c, List<Measurement> measurements, int count, int relayCount, int runs, int sessions, int size, string binary, Disk disk, string load, List<string> commands)
    {
        var detail = new Table($"smtp: {count} (local) and {relayCount} (relay) x {BenchmarkContext.FormatSize(size)} messages, {sessions} smtp-source sessions on 127.0.0.1; EdgeMail {binary}, Postfix {PostfixSmtpServer.Version()} + Dovecot {DovecotPop3Server.Version()}",
            "run", "server", "phase", "messages", "accept s", "accepted msg/s", "done s", "done msg/s", "write KiB/msg", "cancelled KiB/msg", "device KiB/msg", "CPU us/msg", "result");
        foreach (var m in measurements)
        {
            detail.Add(RunName(m.Run), m.Server, m.Phase, m.Count, m.AcceptSeconds, m.AcceptedPerSecond,
                m.DoneSeconds is { } d ? d : "-", m.DonePerSecond is { } r ? r : "-", m.KiB(m.WriteBytes), m.KiB(m.CancelledBytes), m.KiB(m.DeviceBytes),
                m.CpuSeconds * 1e6 / Math.Max(1, m.Count), m.Error is null ? "ok" : "FAILED");
        }

        detail.Note("accept s = smtp-source's run, first connection to its exit; done s = until the last message was in the mailbox (local) or had reached smtp-sink (relay).");
        detail.Note("EdgeMail answers 250 after committing to its store, so its local 'done' is its accept time; its INBOX is counted after it stops. Postfix's is the Maildir count.");
        detail.Note("write KiB/msg = write_bytes of the server's process trees (/proc/PID/io: EdgeMail's one process; Postfix's master and Dovecot's master with their children, reaped ones included).");
        detail.Note("cancelled = cancelled_write_bytes: pages dirtied and then truncated or deleted before writeback (spool and queue files), included in write KiB/msg.");
        detail.Note($"device KiB/msg = sectors written by {disk} during the run: includes journal and metadata, and every other process on this shared machine.");
        detail.Note($"EdgeMail (default limits) = the program as shipped; the other EdgeMail rows run with --Network:MaxConnectionsPerAddress={PerAddressLimit}.");
        detail.Note($"load average at start: {load}");
        c.Report.Add(detail);

        var local = new Table($"smtp summary, local delivery: median of {runs} run(s) of {count} messages", "metric", "EdgeMail", "Postfix+Dovecot", "EdgeMail/Postfix");
        AddRow(local, measurements, Local, "accepted msg/s", m => m.AcceptedPerSecond);
        AddRow(local, measurements, Local, "delivered msg/s (in the mailbox)", m => m.DonePerSecond ?? double.NaN);
        AddRow(local, measurements, Local, "write_bytes KiB/msg (server processes)", m => m.KiB(m.WriteBytes));
        AddRow(local, measurements, Local, "write_bytes - cancelled KiB/msg (reaches the disk)", m => m.KiB(m.WriteBytes - m.CancelledBytes));
        AddRow(local, measurements, Local, "device KiB/msg (whole disk)", m => m.KiB(m.DeviceBytes));
        AddRow(local, measurements, Local, "CPU us/msg (server processes)", m => m.CpuSeconds * 1e6 / m.Count);
        local.Note("Same durability: EdgeMail fsyncs the body and commits SQLite (synchronous=FULL) before 250; Postfix fsyncs its queue file before 250 and Dovecot fsyncs the Maildir file before LMTP's 250.");
        local.Note("The issue's target: EdgeMail's delivered msg/s at least 3 x Postfix's.");
        c.Report.Add(local);

        var relay = new Table($"smtp summary, relay queue to smtp-sink: median of {runs} run(s) of {relayCount} messages", "metric", "EdgeMail", "Postfix", "EdgeMail/Postfix");
        AddRow(relay, measurements, Relay, "accepted msg/s", m => m.AcceptedPerSecond);
        AddRow(relay, measurements, Relay, "drained msg/s (first submission to last at the sink)", m => m.DonePerSecond ?? double.NaN);
        AddRow(relay, measurements, Relay, "seconds after acceptance until drained", m => (m.DoneSeconds ?? double.NaN) - m.AcceptSeconds);
        AddRow(relay, measurements, Relay, "write_bytes KiB/msg (server processes)", m => m.KiB(m.WriteBytes));
        AddRow(relay, measurements, Relay, "write_bytes - cancelled KiB/msg (reaches the disk)", m => m.KiB(m.WriteBytes - m.CancelledBytes));
        AddRow(relay, measurements, Relay, "CPU us/msg (server processes)", m => m.CpuSeconds * 1e6 / m.Count);
        relay.Note("Both queues drain while smtp-source still submits; the sink stores nothing. Postfix relays with relayhost = [127.0.0.1]:sink.");
        c.Report.Add(relay);

        var table = new Table("smtp: commands", "what", "command");
        foreach (var command in commands)
        {
            table.Add(command.Contains("smtp-source", StringComparison.Ordinal) ? "load" : command.Contains("smtp-sink", StringComparison.Ordinal) ? "sink" : "server", command);
        }

        table.Note("Postfix's main.cf and master.cf and Dovecot's dovecot.conf are written by Smtp/PostfixSmtpServer.cs and Smtp/DovecotLmtp.cs.");
        c.Report.Add(table);
    }

    private static string RunName(int run) => run switch
    {
        WarmUp => "warm-up",
        AsShipped => "as shipped",
        _ => run.ToString(CultureInfo.InvariantCulture),
    };

    private static void AddRow(Table table, List<Measurement> measurements, string phase, string metric, Func<Measurement, double> value)
    {
        var runs = measurements.Where(m => m.Phase == phase && m.Run > 0 && m.Error is null).ToList();
        var edge = runs.Where(m => m.Server == EdgeMailName).Select(value).ToList();
        var other = runs.Where(m => m.Server != EdgeMailName).Select(value).ToList();
        var e = Median(edge);
        var o = Median(other);
        table.Add(metric, e, o, o == 0 ? double.NaN : e / o);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed record Measurement(string Server, string Phase, int Run, int Count, long Accepted, double AcceptSeconds, double? DoneSeconds,
        long WriteBytes, long CancelledBytes, long DeviceBytes, double CpuSeconds, string? Error)
    {
        public double AcceptedPerSecond => Accepted / AcceptSeconds;

        public double? DonePerSecond => DoneSeconds is { } d ? Count / d : null;

        public double KiB(long bytes) => bytes / 1024.0 / Math.Max(1, Accepted);
    }
}
