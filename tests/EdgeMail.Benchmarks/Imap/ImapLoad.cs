using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Output;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>The loads of the `imap` benchmark, each run the same way against either server.</summary>
internal static class ImapLoad
{
    public const string Password = "bench-password-1";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// SELECT of the large INBOX, then UID FETCH 1:* (FLAGS), FETCH 1:* (ENVELOPE) and UID SEARCH UNSEEN,
    /// each timed to its tagged reply; then the same again on a second connection (caches warm); then,
    /// on that connection alone, the commands of the mixed load (median of 5), to tell their own cost
    /// from queueing under load.
    /// </summary>
    public static async Task<List<Timing>> CommandsAsync(ServerProcess server, string user, int messages)
    {
        var timings = new List<Timing>();
        foreach (var round in (string[])["1st", "2nd"])
        {
            await using var client = await RawImapClient.LoginAsync(server.Port, false, user, Password, CancellationToken.None);
            foreach (var command in (string[])["SELECT INBOX", "UID FETCH 1:* (FLAGS)", "FETCH 1:* (ENVELOPE)", "UID SEARCH UNSEEN"])
            {
                Report.Progress($"imap: {server.Name}: {command} ({round})...");
                var timing = await TimeAsync(client, $"{command} ({round})", command);
                timings.Add(timing);
                if (timing.Error?.StartsWith("no reply", StringComparison.Ordinal) == true)
                {
                    // The connection is in an unknown state after a timeout.
                    return timings;
                }
            }

            if (round == "2nd")
            {
                Report.Progress($"imap: {server.Name}: the mixed load's commands, one client...");
                var random = new Random(12345);
                var samples = new Dictionary<string, List<Timing>>(StringComparer.Ordinal);
                var body = MessageCorpus.Appended(999, 0);
                for (var rep = 0; rep < 5; rep++)
                {
                    var (a, b, c) = (random.Next(1, messages + 1), random.Next(1, messages + 1), random.Next(1, messages + 1));
                    Add(samples, await TimeAsync(client, "UID FETCH 3 random (FLAGS BODY.PEEK[])", $"UID FETCH {a},{b},{c} (FLAGS BODY.PEEK[])"));
                    Add(samples, await TimeAsync(client, "UID STORE 1 random +FLAGS (\\Seen)", $"UID STORE {random.Next(1, messages + 1)} +FLAGS (\\Seen)"));
                    var append = await TimeAsync(client, "APPEND 10 KiB", "APPEND INBOX", body);
                    Add(samples, append);
                    var uid = AppendUid(append.Reply) ?? 0;
                    Add(samples, await TimeAsync(client, "UID STORE +FLAGS.SILENT (\\Deleted)", $"UID STORE {uid} +FLAGS.SILENT (\\Deleted)"));
                    Add(samples, await TimeAsync(client, "UID EXPUNGE 1", $"UID EXPUNGE {uid}"));
                }

                foreach (var (name, list) in samples)
                {
                    var median = list.OrderBy(t => t.Ms).ElementAt(list.Count / 2);
                    timings.Add(median with { Command = name + " (1 client, median of 5)", Error = list.FirstOrDefault(t => t.Error is not null)?.Error });
                }
            }
        }

        return timings;
    }

    private static void Add(Dictionary<string, List<Timing>> samples, Timing timing)
    {
        if (!samples.TryGetValue(timing.Command, out var list))
        {
            samples[timing.Command] = list = [];
        }

        list.Add(timing);
    }

    private static async Task<Timing> TimeAsync(RawImapClient client, string name, string command, byte[]? literal = null)
    {
        using var cts = new CancellationTokenSource(CommandTimeout);
        var bytes0 = client.BytesRead;
        var sw = Stopwatch.StartNew();
        string reply;
        try
        {
            reply = await client.CommandAsync(command, null, cts.Token, literal);
        }
        catch (OperationCanceledException)
        {
            reply = $"no reply within {CommandTimeout.TotalSeconds:F0} s";
        }

        sw.Stop();
        return new Timing(name, sw.Elapsed.TotalMilliseconds, client.BytesRead - bytes0, reply.StartsWith("OK", StringComparison.Ordinal) ? null : reply, reply);
    }

    /// <summary>
    /// clients connections, each looping until the deadline over SELECT INBOX, UID FETCH of three random
    /// messages (FLAGS BODY.PEEK[]), UID STORE +FLAGS (\Seen) of a random message, APPEND of a 10 KiB
    /// message (LITERAL+), and every fourth round UID STORE +FLAGS.SILENT (\Deleted) and UID EXPUNGE of
    /// the message it just appended.
    /// </summary>
    public static async Task<Mixed> MixedAsync(ServerProcess server, string user, int messages, int clients, TimeSpan duration)
    {
        Report.Progress($"imap: {server.Name}: mixed load, {clients} clients for {duration.TotalSeconds:F0} s...");
        var connections = new RawImapClient[clients];
        await Parallel.ForAsync(0, clients, async (i, ct) =>
        {
            connections[i] = await RawImapClient.LoginAsync(server.Port, false, user, Password, ct);
        });
        var sw = Stopwatch.StartNew();
        var deadline = sw.Elapsed + duration;
        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(() => MixedClientAsync(connections[i], i, messages, sw, deadline))));
        var elapsed = sw.Elapsed.TotalSeconds;
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        var latencies = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var errors = new List<string>();
        long rounds = 0;
        foreach (var r in results)
        {
            rounds += r.Rounds;
            errors.AddRange(r.Errors);
            foreach (var (op, list) in r.Latencies)
            {
                if (!latencies.TryGetValue(op, out var all))
                {
                    latencies[op] = all = [];
                }

                all.AddRange(list);
            }
        }

        return new Mixed(elapsed, rounds, latencies, errors);
    }

    private static async Task<ClientResult> MixedClientAsync(RawImapClient client, int id, int messages, Stopwatch clock, TimeSpan deadline)
    {
        var random = new Random(id);
        var result = new ClientResult();
        var body = MessageCorpus.Appended(id, 0);
        var ct = CancellationToken.None;
        try
        {
            for (var round = 0; clock.Elapsed < deadline; round++)
            {
                await OpAsync(result, client, "SELECT", "SELECT INBOX", ct);
                var (a, b, c) = (random.Next(1, messages + 1), random.Next(1, messages + 1), random.Next(1, messages + 1));
                await OpAsync(result, client, "UID FETCH 3 (FLAGS BODY.PEEK[])", $"UID FETCH {a},{b},{c} (FLAGS BODY.PEEK[])", ct);
                await OpAsync(result, client, "UID STORE +FLAGS (\\Seen)", $"UID STORE {random.Next(1, messages + 1)} +FLAGS (\\Seen)", ct);
                var appended = await OpAsync(result, client, "APPEND 10 KiB", "APPEND INBOX", ct, body);
                if (round % 4 == 3 && AppendUid(appended) is { } uid)
                {
                    await OpAsync(result, client, "UID STORE +FLAGS.SILENT (\\Deleted)", $"UID STORE {uid} +FLAGS.SILENT (\\Deleted)", ct);
                    await OpAsync(result, client, "UID EXPUNGE", $"UID EXPUNGE {uid}", ct);
                }

                result.Rounds++;
            }
        }
        catch (IOException ex)
        {
            result.Errors.Add($"client {id}: {ex.Message}");
        }

        return result;
    }

    private static async Task<string> OpAsync(ClientResult result, RawImapClient client, string op, string command, CancellationToken ct, byte[]? literal = null)
    {
        var start = Stopwatch.GetTimestamp();
        var reply = await client.CommandAsync(command, null, ct, literal);
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (!result.Latencies.TryGetValue(op, out var list))
        {
            result.Latencies[op] = list = [];
        }

        list.Add(ms);
        if (!reply.StartsWith("OK", StringComparison.Ordinal) && result.Errors.Count < 5)
        {
            result.Errors.Add($"{command} -> {reply}");
        }

        return reply;
    }

    /// <summary>The UID from "OK [APPENDUID uidvalidity uid] ..." (RFC 4315 §3).</summary>
    private static long? AppendUid(string reply)
    {
        var at = reply.IndexOf("[APPENDUID ", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return null;
        }

        var parts = reply[(at + 11)..].Split(' ', ']');
        return parts.Length > 1 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }

    /// <summary>
    /// count connections, each logged in with INBOX selected and in IDLE, opened 50 at a time; the
    /// server's memory (all its processes) before and 5 s after they are all idle.
    /// </summary>
    public static async Task<Idle> IdleAsync(ServerProcess server, string user, int count, bool tls)
    {
        var port = tls ? server.TlsPort : server.Port;
        var transport = tls ? "TLS" : "plain";
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        // A first session, so that the mailbox's index (Dovecot) and any lazy state are there before "before".
        await using (var warm = await RawImapClient.LoginAsync(port, tls, user, Password, limit.Token))
        {
            await warm.CheckedAsync("SELECT INBOX", limit.Token);
            await warm.CheckedAsync("LOGOUT", limit.Token);
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = await SteadyAsync(server);
        Report.Progress($"imap: {server.Name}: {count} IDLE connections over {transport}...");
        var clients = new RawImapClient?[count];
        var errors = new List<string>();
        var sw = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 50, CancellationToken = limit.Token }, async (i, ct) =>
        {
            try
            {
                var client = await RawImapClient.LoginAsync(port, tls, user, Password, ct);
                clients[i] = client;
                await client.CheckedAsync("SELECT INBOX", ct);
                await client.IdleAsync(ct);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                lock (errors)
                {
                    errors.Add(ex.Message);
                }
            }
        });
        var open = sw.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await SteadyAsync(server);
        foreach (var client in clients)
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        // Let the server notice the closes before the next measurement.
        await Task.Delay(TimeSpan.FromSeconds(3));
        return new Idle(transport, count - errors.Count, open, before, after, errors);
    }

    // Memory once it stops moving (two readings a second apart within 64 KiB, at most 10 s more): a server that
    // returns memory after a burst (EdgeMail trims its heap when quiet) is measured after it did, before and after.
    private static async Task<ServerProcess.Memory> SteadyAsync(ServerProcess server)
    {
        var last = server.Measure();
        for (int i = 0; i < 10; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = server.Measure();
            if (Math.Abs(now.RssKiB - last.RssKiB) <= 64)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    internal sealed record Timing(string Command, double Ms, long Bytes, string? Error, string Reply);

    internal sealed record Mixed(double Seconds, long Rounds, Dictionary<string, List<double>> Latencies, List<string> Errors)
    {
        public long Operations => Latencies.Values.Sum(l => (long)l.Count);

        public double OpsPerSecond => Operations / Seconds;
    }

    internal sealed record Idle(string Transport, int Connected, double OpenSeconds, ServerProcess.Memory Before, ServerProcess.Memory After, List<string> Errors);

    private sealed class ClientResult
    {
        public long Rounds { get; set; }

        public Dictionary<string, List<double>> Latencies { get; } = new(StringComparer.Ordinal);

        public List<string> Errors { get; } = [];
    }
}
