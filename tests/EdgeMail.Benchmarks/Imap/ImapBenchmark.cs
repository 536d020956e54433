using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Output;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// `imap [--messages N] [--clients C] [--seconds S] [--connections K] [--idle-messages M] [--binary PATH]
/// [--dir DIR] [--servers edgemail,dovecot] [--dovecot-format sdbox|maildir]`: the same IMAP load against the native edgemail and
/// against Debian's Dovecot (configured by Imap/dovecot.sh), one server after the other, so ratios
/// come from one run on one machine:
/// 1. SELECT of an INBOX of N varied 2-10 KiB messages (first and second time), UID FETCH 1:* (FLAGS),
///    FETCH 1:* (ENVELOPE), UID SEARCH UNSEEN: wall time to the tagged reply on a raw socket, and bytes.
/// 2. Mixed load: C clients for S seconds (SELECT, FETCH, STORE, APPEND, STORE \Deleted + UID EXPUNGE).
/// 3. Memory: K connections logged in, INBOX (of M messages, a second user) selected, in IDLE, over
///    plain TCP and implicit TLS; RSS and PSS summed over all the server's processes.
/// </summary>
internal static class ImapBenchmark
{
    private const string IdleUser = "idle@edgemail.local";

    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var options = Options(c);
        var messages = Int(options, "messages", 100_000);
        var clients = Int(options, "clients", 50);
        var seconds = Int(options, "seconds", 30);
        var connections = Int(options, "connections", 1000);
        var idleMessages = Int(options, "idle-messages", 100);
        var servers = options.GetValueOrDefault("servers", "edgemail,dovecot").Split(',');
        var format = options.GetValueOrDefault("dovecot-format", "sdbox");
        var binary = options.GetValueOrDefault("binary") ?? Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? "/var/tmp/imapbench-x64/edgemail";
        var root = options.GetValueOrDefault("dir") ?? Path.Combine(BenchmarkContext.DefaultRoot, "imap-" + Environment.ProcessId);
        if (servers.Contains("edgemail") && !File.Exists(binary))
        {
            await Console.Error.WriteLineAsync($"imap: {binary} does not exist. Publish the native program, e.g.\n" +
                "  dotnet publish src/EdgeMail -c Release -r linux-x64 -o /var/tmp/imapbench-x64\nor pass --binary PATH (or set EDGEMAIL_BINARY).");
            return 1;
        }

        if (servers.Contains("dovecot") && !File.Exists("/usr/sbin/dovecot"))
        {
            await Console.Error.WriteLineAsync("imap: Dovecot is not installed: apt-get install dovecot-imapd");
            return 1;
        }

        // Each IDLE connection is a socket here and (over TLS with Dovecot) two processes there.
        Interop.Libc.RaiseFileLimit(connections * 2 + 1000);
        var command = "dotnet run -c Release --project tests/EdgeMail.Benchmarks -- imap " + string.Join(' ', Enumerable.Range(0, 64).Select(c.Arg).TakeWhile(a => a is not null));
        var results = new List<ServerResult>();
        IReadOnlyList<(string, int)> users = [(MessageCorpus.Address, messages), (IdleUser, idleMessages)];
        try
        {
            foreach (var name in servers)
            {
                var dir = Path.Combine(root, name);
                Directory.CreateDirectory(dir);
                Report.Progress($"imap: {name}: filling {messages} + {idleMessages} messages in {dir}...");
                try
                {
                    var edgemail = name == "edgemail";
                    var fill = edgemail ? await EdgeMailSetup.FillAsync(binary, dir, users, ImapLoad.Password) : DovecotSetup.Fill(dir, users, ImapLoad.Password);
                    // A fresh server for each memory measurement, so that one does not start from the heap
                    // or processes the previous one left; the third start serves the other loads.
                    Task<ServerProcess> StartAsync() => edgemail ? EdgeMailSetup.StartAsync(binary, dir, connections) : DovecotSetup.StartAsync(dir, format);
                    var sw = Stopwatch.StartNew();
                    ServerResult result;
                    await using (var server = await StartAsync())
                    {
                        result = new ServerResult(server.Name, fill, sw.Elapsed.TotalSeconds) { Started = server.Measure() };
                        results.Add(result);
                        // A step that fails is reported, and the others still run.
                        result.IdlePlain = await StepAsync(result, "IDLE plain", () => ImapLoad.IdleAsync(server, IdleUser, connections, tls: false));
                    }

                    await using (var server = await StartAsync())
                    {
                        result.IdleTls = await StepAsync(result, "IDLE TLS", () => ImapLoad.IdleAsync(server, IdleUser, connections, tls: true));
                    }

                    await using (var server = await StartAsync())
                    {
                        result.Commands = await StepAsync(result, "commands", () => ImapLoad.CommandsAsync(server, MessageCorpus.Address, messages)) ?? [];
                        result.Mixed = await StepAsync(result, "mixed load", () => ImapLoad.MixedAsync(server, MessageCorpus.Address, messages, clients, TimeSpan.FromSeconds(seconds)));
                    }
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or System.Net.Sockets.SocketException or System.ComponentModel.Win32Exception)
                {
                    // The server did not start (or the fill failed): say so in the report, go on with the next.
                    Report.Progress($"imap: {name}: {ex.Message}");
                    var failed = results.FirstOrDefault(r => r.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase));
                    if (failed is null)
                    {
                        failed = new ServerResult(name == "edgemail" ? "EdgeMail" : "Dovecot " + format, 0, 0);
                        results.Add(failed);
                    }

                    failed.Failures.Add($"start: {ex.GetType().Name}: {ex.Message}");
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

        ImapReport.Write(c.Report, results, command, messages, clients, seconds, connections, idleMessages);
        return results.All(r => r.Failures.Count == 0 && r.Commands.All(t => t.Error is null) && r.Mixed is { Errors.Count: 0 }) ? 0 : 1;
    }

    private static async Task<T?> StepAsync<T>(ServerResult result, string step, Func<Task<T>> run)
        where T : class
    {
        try
        {
            return await run();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            Report.Progress($"imap: {result.Name}: {step} failed: {ex.Message}");
            result.Failures.Add($"{step}: {ex.GetType().Name}: {ex.Message}");
            return null;
        }
    }

    internal static Dictionary<string, string> Options(BenchmarkContext c)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; c.Arg(i) is { } arg; i++)
        {
            if (!arg.StartsWith("--", StringComparison.Ordinal) || c.Arg(i + 1) is not { } value)
            {
                throw new ArgumentException($"expected --name value, got {arg}");
            }

            options[arg[2..]] = value;
            i++;
        }

        return options;
    }

    internal static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value.Replace("_", "", StringComparison.Ordinal), CultureInfo.InvariantCulture) : fallback;

    internal sealed class ServerResult(string name, double fillSeconds, double startSeconds)
    {
        public string Name { get; } = name;

        public double FillSeconds { get; } = fillSeconds;

        public double StartSeconds { get; } = startSeconds;

        public ServerProcess.Memory? Started { get; set; }

        public ImapLoad.Idle? IdlePlain { get; set; }

        public ImapLoad.Idle? IdleTls { get; set; }

        public List<ImapLoad.Timing> Commands { get; set; } = [];

        public ImapLoad.Mixed? Mixed { get; set; }

        public List<string> Failures { get; } = [];
    }
}
