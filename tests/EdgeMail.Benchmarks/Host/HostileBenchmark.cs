using System.Globalization;
using System.Text;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Benchmarks.Host;

/// <summary>
/// `hostile [binary] [seconds=10] [nice=19]`: the real program under `serve` with its shipped limits (loopback held to the
/// per-address limit, so that 127.x addresses stand for hosts on the LAN), and a well-behaved user (MailKit, logged
/// in from an address of its own) doing IMAP NOOP, FETCH of one message, an SMTP send and POP3 STAT round after
/// round: first alone (the baseline), then during each attack of the hostile-client suite in turn, S seconds each.
/// Prints each step's median and p99, the worst ratio to the baseline, and whether every median stays within 3x of
/// its baseline (issue 13's goal), with /proc/loadavg beside each row, since the machine's other work shows there.
/// </summary>
internal static class HostileBenchmark
{
    private const double Goal = 3.0;

    // The user's device; every attacker uses other addresses.
    private const string UserAddress = WellBehavedClient.DefaultAddress;

    private static readonly string Password = HostileServer.Password;

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        if (c.Arg(0) == AttackFlag)
        {
            return await RunAttackAsync(c);
        }

        var binary = c.Arg(0) ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? ServeBenchmark.FindBuilt();
        if (binary is null || !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync("hostile: pass the path of a built edgemail (dotnet publish src/EdgeMail -c Release -r linux-x64 -o DIR)");
            return 1;
        }

        binary = Path.GetFullPath(binary);
        var window = TimeSpan.FromSeconds(c.IntArg(1, 10));
        var nice = c.IntArg(2, 19);
        Directory.CreateDirectory(BenchmarkContext.DefaultRoot);
        await using var server = await HostileServer.StartAsync(["Network:LoopbackExemptFromAddressLimit=false"], withBob: true, program: binary, dataRoot: BenchmarkContext.DefaultRoot);
        Report.Progress("hostile: seeding the mailboxes...");
        foreach (var account in new[] { HostileServer.Alice, HostileServer.Bob })
        {
            for (var i = 0; i < 20; i++)
            {
                await LanMail.SendAsync(server.Smtp, account, "seed " + i, string.Concat(Enumerable.Repeat(new string('s', 98) + "\r\n", 500)));
            }
        }

        await using var user = await WellBehavedClient.ConnectAsync(server, UserAddress);
        for (var i = 0; i < 100; i++)
        {
            await user.RoundAsync();
        }

        var table = new Table($"hostile: a well-behaved user's latency during each attack, {window.TotalSeconds:0} s each, attacker at nice {nice} ({binary})",
            "window", "NOOP p50/p99 ms", "FETCH p50/p99 ms", "send p50/p99 ms", "STAT p50/p99 ms", "rounds", "attack ops", "server CPU %", "p50 x", "p99 x", "p50 <= 3x", "RSS MiB", "load 1m");
        var met = true;
        var target = new AttackTarget(server.Imap, server.Pop3, server.Smtp, server.Submission);
        var attacks = Attacks(target).ToList();
        for (var index = 0; index < attacks.Count; index++)
        {
            var name = attacks[index].Name;

            // A baseline just before each attack, so that the ratio compares like with like on a machine whose other
            // work comes and goes.
            Report.Progress($"hostile: baseline, then {name}...");
            var baseline = await MeasureAsync(server, user, window);
            table.Add("  baseline", baseline.Cell(0), baseline.Cell(1), baseline.Cell(2), baseline.Cell(3), baseline.Rounds, 0,
                Percent(baseline.CpuPercent), "1.0", "1.0", "-", baseline.ResidentMiB, baseline.Load);

            // The attacker is a process of its own, as it would be a host of its own: its tasks never queue up with
            // the user's in one thread pool. On the LAN its CPU would be another machine's; here it shares the two
            // cores, so by default it runs at the lowest priority (nice 19) and takes what the server and the user
            // leave. The server's own cost of each attack is what remains.
            using var attacker = StartAttacker(index, target, nice);
            if (await attacker.StandardOutput.ReadLineAsync() != "ready")
            {
                throw new InvalidOperationException($"the attacker for {name} did not get ready: {await attacker.StandardError.ReadToEndAsync()}");
            }

            var opsBefore = await CountAsync(attacker);
            var during = await MeasureAsync(server, user, window);
            var opsAfter = await CountAsync(attacker);
            await attacker.StandardInput.WriteLineAsync("stop");
            await attacker.StandardInput.FlushAsync();
            await attacker.WaitForExitAsync();

            var (p50, p99) = during.WorstRatios(baseline);
            met &= p50 <= Goal;
            table.Add(name, during.Cell(0), during.Cell(1), during.Cell(2), during.Cell(3), during.Rounds, opsAfter.Held ? opsAfter.Value : opsAfter.Value - opsBefore.Value,
                Percent(during.CpuPercent), Ratio(p50), Ratio(p99), p50 <= Goal ? "yes" : "NO", during.ResidentMiB, during.Load);

            // The attack's connections are closed now; give the server a moment to see them go.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        table.Note("a round = IMAP NOOP, UID FETCH BODY.PEEK[] of one 300-byte message, one SMTP send on an authenticated submission connection (250 after fsync), POP3 STAT; all on connections opened before the attack.");
        table.Note("p50 x, p99 x = the largest ratio over the four steps of that percentile to the baseline measured just before; the goal (issue 13): every median within 3x.");
        table.Note("attack ops = answers the attack got during the window (connections held, for the silent and the non-reading ones); server CPU % = utime+stime of serve over the window (200 = both cores); load 1m = /proc/loadavg at its end (the machine is shared).");
        table.Note($"Each attack runs in a process of its own (this program with --attack) at nice {nice}, on the same two cores as the server and the user (nice 0 lets it compete for them as an equal).");
        c.Report.Add(table);
        c.Report.Conclusion(met ? $"every attack left the user's medians within {Goal}x of the baseline" : $"some attack pushed a median beyond {Goal}x of the baseline");
        var check = await server.CheckAsync();
        Report.Progress("hostile: " + check.Trim());
        return 0;
    }

    private const string AttackFlag = "--attack";

    // This program again, as `nice -n NICE <self> hostile --attack INDEX IMAP POP3 SMTP SUBMISSION`.
    private static System.Diagnostics.Process StartAttacker(int index, AttackTarget target, int nice)
    {
        var self = Environment.ProcessPath!;
        var info = new System.Diagnostics.ProcessStartInfo("nice") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-n");
        info.ArgumentList.Add(nice.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(self);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var arg in new object[] { "hostile", AttackFlag, index, target.Imap, target.Pop3, target.Smtp, target.Submission })
        {
            info.ArgumentList.Add(Convert.ToString(arg, CultureInfo.InvariantCulture)!);
        }

        return System.Diagnostics.Process.Start(info)!;
    }

    private static async Task<(long Value, bool Held)> CountAsync(System.Diagnostics.Process attacker)
    {
        await attacker.StandardInput.WriteLineAsync("count");
        await attacker.StandardInput.FlushAsync();
        var parts = (await attacker.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the attacker ended")).Split(' ');
        return (long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2] == "held");
    }

    // The attacker's side: runs one attack, says "ready" once it is set up, answers "count" with "ops N held|answers",
    // and stops at "stop" (or when its input ends).
    private static async Task<int> RunAttackAsync(BenchmarkContext c)
    {
        var target = new AttackTarget(c.IntArg(2, 0), c.IntArg(3, 0), c.IntArg(4, 0), c.IntArg(5, 0));
        var (_, attack) = Attacks(target).ElementAt(c.IntArg(1, 0));
        var ops = new Counter();
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => attack(ops, stop.Token));
        await Task.WhenAny(running, ops.Ready.Task);
        if (running.IsFaulted)
        {
            await Console.Error.WriteLineAsync(running.Exception!.ToString());
            return 1;
        }

        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line && line != "stop")
        {
            Console.WriteLine($"ops {ops.Value} {(ops.Held ? "held" : "answers")}");
        }

        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
        }

        return 0;
    }

    private static string Ratio(double ratio) => ratio.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Percent(double percent) => percent.ToString("0", CultureInfo.InvariantCulture);

    // The user's steps, round after round, for the window; with the server's CPU time, memory and the load at its end.
    private static async Task<Latencies> MeasureAsync(HostileServer server, WellBehavedClient user, TimeSpan window)
    {
        var result = new Latencies();
        var cpuBefore = CpuTicks(server.ProcessId);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < window)
        {
            result.Add(await user.RoundAsync());
        }

        // /proc/PID/stat counts in clock ticks, 100 per second on Linux (USER_HZ): ticks per second are percent.
        result.CpuPercent = (CpuTicks(server.ProcessId) - cpuBefore) / watch.Elapsed.TotalSeconds;
        result.ResidentMiB = server.ResidentBytes() >> 20;
        result.Load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return result;
    }

    // utime + stime of a process (fields 14 and 15 of /proc/PID/stat, after the command name in parentheses).
    private static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static IEnumerable<(string Name, Func<Counter, CancellationToken, Task> Run)> Attacks(AttackTarget server)
    {
        yield return ("silent connections at the limit (997 of 1000, 20 per address)", (ops, token) => SilentAsync(server, ops, token));
        yield return ("100 dribblers (1 byte / 100 ms)", (ops, token) => DribblersAsync(server, ops, token));
        yield return ("9 non-reading pipelines", (ops, token) => NonReadersAsync(server, ops, token));
        yield return ("login flood, 250 addresses", (ops, token) => LoginFloodAsync(server, ops, token));
        yield return ("4 GiB literal attempts", (ops, token) => HugeLiteralsAsync(server, ops, token));
        yield return ("deep-nesting commands and mail", (ops, token) => DeepNestingAsync(server, ops, token));
        yield return ("STARTTLS injection loop", (ops, token) => StartTlsInjectionAsync(server, ops, token));
    }

    // The total limit less the user's three sessions, 20 (the per-address limit) from each of 50 addresses, every
    // protocol; they say nothing, and the window ends well before the IMAP ones' 60 s login timeout.
    private static async Task SilentAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.Held = true;
        var clients = new List<LoopbackClient>();
        try
        {
            var ports = new[] { server.Imap, server.Pop3, server.Smtp, server.Submission };
            for (var i = 0; i < 997; i++)
            {
                var client = await LoopbackClient.ConnectAsync($"127.0.30.{1 + (i / 20)}", ports[i % ports.Length]);
                clients.Add(client);
                await client.ReadLineAsync().WaitAsync(token);
                ops.Add();
            }

            ops.Ready.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    // 100 slowloris clients, 5 per address, each dribbling whole commands before login (closed by the login
    // deadlines after 60 s, beyond the window).
    private static Task DribblersAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.Ready.TrySetResult();
        var targets = new (int Port, string Text)[] { (server.Imap, "a1 NOOP\r\n"), (server.Pop3, "NOOP\r\n"), (server.Submission, "NOOP\r\n"), (server.Smtp, "NOOP\r\n") };
        return Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            while (!token.IsCancellationRequested)
            {
                var (port, text) = targets[i % targets.Length];
                ops.Add();
                await Dribbler.RunAsync($"127.0.31.{1 + (i / 5)}", port, text, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10), token);
            }
        }));
    }

    // Four IMAP clients pipelining FETCH 1:* BODY[] (1 MB each), four SMTP NOOP floods, one POP3 RETR flood (bob's
    // maildrop admits one session), none reading; dropped only after Network:SendTimeout (5 min), beyond the window.
    private static Task NonReadersAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.Held = true;
        ops.ReadyAfter(9);
        var floods = new (int Port, string Preamble, string Pipeline)[]
        {
            (server.Imap, $"a LOGIN {HostileServer.Alice} \"{Password}\"\r\nb SELECT INBOX\r\n", string.Concat(Enumerable.Repeat("f FETCH 1:* BODY[]\r\n", 50))),
            (server.Smtp, "EHLO flood.example\r\n", string.Concat(Enumerable.Repeat("NOOP\r\n", 1000))),
        };
        var all = Enumerable.Range(0, 8).Select(i => floods[i % 2])
            .Append((Port: server.Pop3, Preamble: $"USER {HostileServer.Bob}\r\nPASS {Password}\r\n", Pipeline: string.Concat(Enumerable.Repeat("RETR 1\r\n", 100))));
        return Task.WhenAll(all.Select(async (flood, i) =>
        {
            while (!token.IsCancellationRequested)
            {
                using var client = await NonReadingClient.ConnectAsync($"127.0.32.{1 + i}", flood.Port);
                ops.Add();
                ops.Arrive();
                await client.FloodAsync(flood.Preamble, flood.Pipeline, TimeSpan.FromMinutes(10), token);
                ops.Add(-1);
            }
        }));
    }

    // Ten connections of wrong IMAP LOGIN passwords against the default throttle, reconnecting whenever closed,
    // rotating over 250 addresses (as login-flood's third row).
    private static Task LoginFloodAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.Ready.TrySetResult();
        return Task.WhenAll(Enumerable.Range(0, 10).Select(async connection =>
        {
            for (var attempt = 0; !token.IsCancellationRequested; attempt++)
            {
                var n = (connection * 25) + attempt;
                await using var client = await LoopbackClient.ConnectAsync($"127.0.{33 + (n / 250 % 2)}.{(n % 250) + 1}", server.Imap);
                if (await client.ReadLineAsync().WaitAsync(token) is null)
                {
                    continue;
                }

                while (!token.IsCancellationRequested)
                {
                    var reply = await client.ImapAsync($"LOGIN {HostileServer.Alice} \"guess {connection}.{attempt}\"").WaitAsync(token);
                    if (reply == "(closed)")
                    {
                        break;
                    }

                    ops.Add();
                }
            }
        }));
    }

    // Four loops: APPEND {4 GiB} and ~{4 GiB} on a logged-in session (NO [TOOBIG] each), a 4 GiB non-synchronizing
    // literal before login (BYE), BDAT 4294967296 (552 and the close).
    private static Task HugeLiteralsAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.ReadyAfter(4);
        return Task.WhenAll(Enumerable.Range(0, 4).Select(async loop =>
        {
            var from = $"127.0.35.{1 + loop}";
            await using var session = await LoopbackClient.ConnectAsync(from, server.Imap);
            await session.ReadLineAsync();
            await session.ImapAsync($"LOGIN {HostileServer.Alice} \"{Password}\"");
            await session.ImapAsync("SELECT INBOX");
            ops.Arrive();
            while (!token.IsCancellationRequested)
            {
                await session.ImapAsync("APPEND INBOX {4294967296}").WaitAsync(token);
                await session.ImapAsync("APPEND INBOX ~{4294967296}").WaitAsync(token);
                ops.Add(2);

                await using (var nonSync = await LoopbackClient.ConnectAsync(from, server.Imap))
                {
                    await nonSync.ReadLineAsync().WaitAsync(token);
                    await nonSync.SendAsync("x LOGIN {4294967296+}");
                    await nonSync.SendRawAsync(new string('x', 4096));
                    await nonSync.ClosesAsync().WaitAsync(token);
                    ops.Add();
                }

                await using var smtp = await LoopbackClient.ConnectAsync(from, server.Smtp);
                await smtp.ReadReplyAsync().WaitAsync(token);
                foreach (var line in new[] { "EHLO big.example", "MAIL FROM:<big@example.net>", $"RCPT TO:<{HostileServer.Bob}>", "BDAT 4294967296 LAST" })
                {
                    await smtp.SendAsync(line);
                    await smtp.ReadReplyAsync().WaitAsync(token);
                }

                ops.Add();
            }
        }));
    }

    // Three loops of SEARCH nested 10,000 deep (parentheses, then ORs) and FETCH of a part 10,000 deep, each a BAD,
    // so every 20th closes the session (Imap:MaxBadCommands) and the loop logs in again; one loop delivering a
    // message of 1,000 nested multiparts over SMTP.
    private static Task DeepNestingAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.ReadyAfter(3);
        string[] commands =
        [
            "SEARCH " + new string('(', 10_000) + "ALL" + new string(')', 10_000),
            "SEARCH " + string.Concat(Enumerable.Repeat("OR ", 10_000)) + "ALL ALL",
            "FETCH 1 BODY[" + string.Join('.', Enumerable.Repeat("1", 10_000)) + "]",
        ];
        var searches = Enumerable.Range(0, 3).Select(async loop =>
        {
            for (var first = true; !token.IsCancellationRequested; first = false)
            {
                await using var session = await LoopbackClient.ConnectAsync($"127.0.36.{1 + loop}", server.Imap);
                await session.ReadLineAsync().WaitAsync(token);
                await session.ImapAsync($"LOGIN {HostileServer.Alice} \"{Password}\"").WaitAsync(token);
                await session.ImapAsync("SELECT INBOX").WaitAsync(token);
                if (first)
                {
                    ops.Arrive();
                }

                for (var i = 0; !token.IsCancellationRequested; i++)
                {
                    if ((await session.ImapAsync(commands[i % commands.Length]).WaitAsync(token)) == "(closed)")
                    {
                        break;
                    }

                    ops.Add();
                }
            }
        });
        var mime = Task.Run(async () =>
        {
            var message = new StringBuilder("From: deep@example.net\r\nTo: bob@edgemail.local\r\nSubject: deep\r\nMIME-Version: 1.0\r\n");
            for (var level = 0; level < 1000; level++)
            {
                message.Append(CultureInfo.InvariantCulture, $"Content-Type: multipart/mixed; boundary=\"b{level}\"\r\n\r\n--b{level}\r\n");
            }

            message.Append("Content-Type: text/plain\r\n\r\nleaf\r\n");
            for (var level = 999; level >= 0; level--)
            {
                message.Append(CultureInfo.InvariantCulture, $"--b{level}--\r\n");
            }

            message.Append('.');
            await using var smtp = await LoopbackClient.ConnectAsync("127.0.36.9", server.Smtp);
            await smtp.ReadReplyAsync();
            await smtp.SendAsync("EHLO deep.example");
            await smtp.ReadReplyAsync();
            while (!token.IsCancellationRequested)
            {
                foreach (var line in new[] { "MAIL FROM:<deep@example.net>", $"RCPT TO:<{HostileServer.Bob}>", "DATA", message.ToString() })
                {
                    await smtp.SendAsync(line);
                    await smtp.ReadReplyAsync().WaitAsync(token);
                }

                ops.Add();
            }
        });
        return Task.WhenAll([.. searches, mime]);
    }

    // Four loops of the injection probe over the four plaintext ports (each closed after the go-ahead).
    private static Task StartTlsInjectionAsync(AttackTarget server, Counter ops, CancellationToken token)
    {
        ops.Ready.TrySetResult();
        var ports = new (MailProtocol Protocol, int Port)[] { (MailProtocol.Imap, server.Imap), (MailProtocol.Pop3, server.Pop3), (MailProtocol.Smtp, server.Smtp), (MailProtocol.Smtp, server.Submission) };
        return Task.WhenAll(Enumerable.Range(0, 4).Select(async loop =>
        {
            for (var i = 0; !token.IsCancellationRequested; i++)
            {
                var (protocol, port) = ports[(loop + i) % ports.Length];
                await StartTlsProbe.RunAsync(protocol, $"127.0.37.{1 + loop}", port, inject: true, token);
                ops.Add();
            }
        }));
    }

    // The server's ports, all an attacker knows of it.
    private sealed record AttackTarget(int Imap, int Pop3, int Smtp, int Submission);

    // Operations an attack got done, and when it was all set up (connections open, sessions logged in).
    private sealed class Counter
    {
        private long _value;
        private int _waiting;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The value counts connections held open, not answers (silent connections, non-readers).</summary>
        public bool Held { get; set; }

        public long Value => Interlocked.Read(ref _value);

        public void Add(long count = 1) => Interlocked.Add(ref _value, count);

        /// <summary>Ready once <paramref name="loops"/> loops have each called <see cref="Arrive"/>.</summary>
        public void ReadyAfter(int loops) => _waiting = loops;

        public void Arrive()
        {
            if (Interlocked.Decrement(ref _waiting) <= 0)
            {
                Ready.TrySetResult();
            }
        }
    }

    // Every step's latencies in one window, in milliseconds.
    private sealed class Latencies
    {
        private readonly List<double>[] _steps = [[], [], [], []];

        public double CpuPercent { get; set; }

        public long ResidentMiB { get; set; }

        public string Load { get; set; } = "";

        public int Rounds => _steps[0].Count;

        public void Add(ClientRound round)
        {
            _steps[0].Add(round.Noop.TotalMilliseconds);
            _steps[1].Add(round.Fetch.TotalMilliseconds);
            _steps[2].Add(round.Send.TotalMilliseconds);
            _steps[3].Add(round.Stat.TotalMilliseconds);
        }

        public double Percentile(int step, double p)
        {
            var sorted = _steps[step].Order().ToArray();
            return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        }

        public string Cell(int step) => string.Create(CultureInfo.InvariantCulture, $"{Percentile(step, 0.5):0.00} / {Percentile(step, 0.99):0.00}");

        public (double P50, double P99) WorstRatios(Latencies baseline) =>
            (Enumerable.Range(0, 4).Max(s => Percentile(s, 0.5) / baseline.Percentile(s, 0.5)),
             Enumerable.Range(0, 4).Max(s => Percentile(s, 0.99) / baseline.Percentile(s, 0.99)));
    }
}
