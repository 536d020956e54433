using System.Globalization;
using EdgeMail.Benchmarks.Output;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>The tables of the `imap` benchmark: EdgeMail | Dovecot | ratio, and the issue's targets.</summary>
internal static class ImapReport
{
    // The issue's targets for 1,000 IDLE connections (scaled when --connections differs).
    private const double PlainTargetMiB = 5;
    private const double TlsTargetMiB = 40;
    private const string InotifyInstances = "/proc/sys/fs/inotify/max_user_instances";

    public static void Write(Report report, List<ImapBenchmark.ServerResult> results, string command, int messages, int clients, int seconds, int connections, int idleMessages)
    {
        var e = results.FirstOrDefault(r => r.Name == "EdgeMail");
        var d = results.FirstOrDefault(r => r.Name.StartsWith("Dovecot", StringComparison.Ordinal));

        var setup = new Table($"imap setup ({command})", "server", "filled by", "messages", "fill s", "start s", "processes", "RSS MiB", "PSS MiB");
        foreach (var r in results)
        {
            setup.Add(r.Name, Filled(r.Name), messages, r.FillSeconds, r.StartSeconds, r.Started?.Processes ?? "", Mib(r.Started?.RssKiB), Mib(r.Started?.PssKiB));
        }

        setup.Note("start s: process start to the IMAP port accepting (Dovecot sdbox: includes doveadm backup -R of the Maildir into sdbox).");
        setup.Note($"messages: 2-10 KiB, text/plain, multipart/alternative and multipart/mixed with base64; ~30% unseen; plus a second user with {idleMessages} for the IDLE test.");
        foreach (var r in results)
        {
            foreach (var failure in r.Failures)
            {
                setup.Note($"{r.Name} FAILED {failure}");
            }
        }

        report.Add(setup);

        var commands = new Table($"imap commands on an INBOX of {messages} messages: ms to the tagged reply (raw socket)",
            "command", "EdgeMail ms", "Dovecot ms", "EdgeMail/Dovecot", "EdgeMail KiB", "Dovecot KiB");
        var names = (e?.Commands ?? []).Select(t => t.Command).Union((d?.Commands ?? []).Select(t => t.Command)).ToList();
        foreach (var name in names)
        {
            var te = e?.Commands.FirstOrDefault(t => t.Command == name);
            var td = d?.Commands.FirstOrDefault(t => t.Command == name);
            commands.Add(name, (object?)te?.Ms ?? "n/a", (object?)td?.Ms ?? "n/a", Ratio(te?.Ms, td?.Ms), (object?)(te?.Bytes / 1024.0) ?? "n/a", (object?)(td?.Bytes / 1024.0) ?? "n/a");
        }

        commands.Note("1st = first connection after start (Dovecot maildir also builds its index on this SELECT); 2nd = a new connection, caches warm. Ratio < 1: EdgeMail faster.");
        foreach (var t in results.SelectMany(r => r.Commands.Where(t => t.Error is not null).Select(t => (r.Name, t))))
        {
            commands.Note($"{t.Name}: {t.t.Command} answered: {t.t.Error}");
        }

        report.Add(commands);

        var mixed = new Table($"imap mixed load: {clients} clients, {seconds} s, INBOX of {messages}", "server", "rounds", "operations", "ops/s", "errors");
        foreach (var r in results.Where(r => r.Mixed is not null))
        {
            mixed.Add(r.Name, r.Mixed!.Rounds, r.Mixed.Operations, r.Mixed.OpsPerSecond, r.Mixed.Errors.Count);
        }

        mixed.Add("EdgeMail/Dovecot", "", "", Ratio(e?.Mixed?.OpsPerSecond, d?.Mixed?.OpsPerSecond), "");
        mixed.Note("a round: SELECT INBOX; UID FETCH of 3 random UIDs (FLAGS BODY.PEEK[]); UID STORE +FLAGS (\\Seen); APPEND 10 KiB (LITERAL+); every 4th round UID STORE +FLAGS.SILENT (\\Deleted) and UID EXPUNGE of that message.");
        foreach (var r in results.Where(r => r.Mixed is not null))
        {
            foreach (var error in r.Mixed!.Errors.Take(5))
            {
                mixed.Note($"{r.Name}: {error}");
            }
        }

        report.Add(mixed);

        var latency = new Table("imap mixed load: latency per command (ms)", "command", "EdgeMail n", "EdgeMail p50", "EdgeMail p99", "Dovecot n", "Dovecot p50", "Dovecot p99");
        var ops = (e?.Mixed?.Latencies.Keys ?? Enumerable.Empty<string>()).Union(d?.Mixed?.Latencies.Keys ?? Enumerable.Empty<string>());
        foreach (var op in ops)
        {
            var le = e?.Mixed?.Latencies.GetValueOrDefault(op);
            var ld = d?.Mixed?.Latencies.GetValueOrDefault(op);
            latency.Add(op, le?.Count ?? 0, Percentile(le, 0.5), Percentile(le, 0.99), ld?.Count ?? 0, Percentile(ld, 0.5), Percentile(ld, 0.99));
        }

        report.Add(latency);

        var memory = new Table($"imap memory: {connections} connections logged in, INBOX ({idleMessages} messages) selected, in IDLE; all server processes",
            "transport", "server", "connected", "open s", "RSS before MiB", "RSS after MiB", "+RSS MiB", "RSS KiB/conn", "PSS before MiB", "PSS after MiB", "+PSS MiB", "PSS KiB/conn", "processes after");
        foreach (var (transport, pick) in new (string, Func<ImapBenchmark.ServerResult, ImapLoad.Idle?>)[] { ("plain", r => r.IdlePlain), ("TLS", r => r.IdleTls) })
        {
            foreach (var r in results)
            {
                if (pick(r) is not { } idle)
                {
                    continue;
                }

                var rss = idle.After.RssKiB - idle.Before.RssKiB;
                var pss = idle.After.PssKiB - idle.Before.PssKiB;
                memory.Add(transport, r.Name, idle.Connected, idle.OpenSeconds, Mib(idle.Before.RssKiB), Mib(idle.After.RssKiB), rss / 1024.0, (double)rss / Math.Max(1, idle.Connected),
                    Mib(idle.Before.PssKiB), Mib(idle.After.PssKiB), pss / 1024.0, (double)pss / Math.Max(1, idle.Connected), idle.After.Processes);
                foreach (var error in idle.Errors.Distinct().Take(3))
                {
                    memory.Note($"{r.Name} {transport}: {idle.Errors.Count(x => x == error)} connections failed: {error}");
                }
            }
        }

        memory.Note("RSS sums each process's VmRSS (shared pages counted once per process); PSS (/proc/PID/smaps_rollup) divides shared pages among their users, so it is the fair sum for Dovecot's many processes.");
        memory.Note("Dovecot 2.3 defaults: one imap process per connection (imap_hibernate_timeout = 0, so no imap-hibernate); over TLS one imap-login process per connection stays as the TLS proxy (service_count = 1).");
        memory.Note("measured 5 s after the last connection entered IDLE, once RSS held still (two readings 1 s apart within 64 KiB), and \"before\" likewise; each transport on a freshly started server.");
        if (File.Exists(InotifyInstances) && int.TryParse(File.ReadAllText(InotifyInstances).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var inotify) && inotify < connections)
        {
            memory.Note($"{InotifyInstances} is {inotify}: Dovecot's imap processes past that many fall back from inotify to polling in IDLE (it logs a warning); the kernel's inotify memory is not in RSS or PSS anyway.");
        }
        report.Add(memory);

        Targets(report, e, d, connections);
    }

    private static void Targets(Report report, ImapBenchmark.ServerResult? e, ImapBenchmark.ServerResult? d, int connections)
    {
        if (e is null)
        {
            report.Conclusion("targets: not measured (EdgeMail was not run).");
            return;
        }

        var scale = connections / 1000.0;
        foreach (var (idle, target, transport) in new[] { (e.IdlePlain, PlainTargetMiB * scale, "plain TCP"), (e.IdleTls, TlsTargetMiB * scale, "TLS") })
        {
            if (idle is null)
            {
                report.Conclusion($"target ({transport}): not measured (the step failed).");
                continue;
            }

            var added = (idle.After.RssKiB - idle.Before.RssKiB) / 1024.0;
            var complete = idle.Connected == connections ? "" : $" (only {idle.Connected} of {connections} connected)";
            report.Conclusion(string.Create(CultureInfo.InvariantCulture,
                $"target: {connections} IDLE connections over {transport} add at most {target:F1} MiB RSS to EdgeMail: +{added:F1} MiB{complete}: {(added <= target && complete.Length == 0 ? "MET" : "NOT MET")}."));
        }

        if (e.Mixed is { } me && d?.Mixed is { } md)
        {
            report.Conclusion(string.Create(CultureInfo.InvariantCulture,
                $"target: mixed-load throughput at least Dovecot's: EdgeMail {me.OpsPerSecond:F0} ops/s, Dovecot {md.OpsPerSecond:F0} ops/s (x{me.OpsPerSecond / md.OpsPerSecond:F2}): {(me.OpsPerSecond >= md.OpsPerSecond && me.Errors.Count == 0 ? "MET" : "NOT MET")}{(me.Errors.Count > 0 ? $", with {me.Errors.Count} EdgeMail errors" : "")}."));
        }
        else
        {
            report.Conclusion("target (mixed load): not measured for both servers.");
        }
    }

    private static string Filled(string name) => name switch
    {
        "EdgeMail" => "MailStore.AppendAsync, 256 in flight, before serve",
        "Dovecot maildir" => "Maildir files written to cur/, indexed on 1st SELECT",
        _ => "Maildir files, copied to sdbox by doveadm backup -R at start",
    };

    private static object Mib(long? kib) => kib is { } k ? k / 1024.0 : "n/a";

    private static object Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : "n/a";

    private static object Percentile(List<double>? values, double p)
    {
        if (values is not { Count: > 0 })
        {
            return "n/a";
        }

        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
