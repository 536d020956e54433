using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeMail.CrashHarness.Load;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.CrashHarness;

/// <summary>
/// The rounds: load the running server from every side, SIGKILL it at a random moment, start it again on the same
/// data folder, check it against the ledger; the restarted server is the next round's. Prints a line per round and a
/// summary; returns 1 on any violation.
/// </summary>
internal sealed class Harness(HarnessOptions options, TextWriter output)
{
    private const int SmtpSessions = 3;
    private const int ImapSessions = 2;

    public async Task<int> RunAsync()
    {
        var program = options.Binary ?? EdgeMailProcess.Program;
        if (!File.Exists(program))
        {
            await Console.Error.WriteLineAsync($"crash harness: no program at {program} (--binary PATH, or build the harness so that edgemail.dll is beside it)").ConfigureAwait(false);
            return 2;
        }

        var ownData = options.Data is null;
        var data = options.Data ?? Path.Combine("/var/tmp", string.Create(CultureInfo.InvariantCulture, $"edgemail-crash-{options.Seed}-{Environment.ProcessId}"));
        if (Directory.Exists(data) && Directory.EnumerateFileSystemEntries(data).Any())
        {
            await Console.Error.WriteLineAsync($"crash harness: {data} is not empty; the ledger must see every message from the first").ConfigureAwait(false);
            return 2;
        }

        Directory.CreateDirectory(data);
        Say($"crash harness: {options.Rounds} rounds, seed {options.Seed}, program {program}, data {data}, kill {options.KillAfterMinMs}-{options.KillAfterMaxMs} ms after the load starts");
        await EdgeMailProcess.AddUserAsync(program, data, Accounts.Smtp, Accounts.Password).ConfigureAwait(false);
        await EdgeMailProcess.AddUserAsync(program, data, Accounts.Imap, Accounts.Password).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        var ledger = new Ledger();
        var tally = new Tally();
        var kills = new Dictionary<int, TimeSpan>();
        var rng = new Random(options.Seed);
        var seconds = new List<double>();
        await using var sink = new RelaySink(clock);
        var verifier = new Verifier(ledger, tally, sink, kills, TimeSpan.FromSeconds(60));
        var server = await ServerInstance.StartAsync(program, data, sink.Port, 0).ConfigureAwait(false);
        // Interrupted (Ctrl+C, SIGTERM): take the running server along rather than leave it serving the data folder.
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => server.KillQuietly());
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => server.KillQuietly());
        await CreateArchiveAsync(server).ConfigureAwait(false);
        var printed = 0;
        var rounds = 0;
        for (var round = 1; round <= options.Rounds; round++)
        {
            var started = clock.Elapsed;
            using var context = new LoadContext(ledger, server, round, options.Seed);
            var workers = new List<Task>();
            for (var w = 0; w < SmtpSessions; w++)
            {
                workers.Add(Start(context, w, (c, n, r) => SmtpLoad.RunAsync(c, n, relay: false, r)));
            }

            workers.Add(Start(context, 0, (c, n, r) => SmtpLoad.RunAsync(c, n, relay: true, r)));
            for (var w = 0; w < ImapSessions; w++)
            {
                workers.Add(Start(context, w, ImapLoad.RunAsync));
            }

            workers.Add(Start(context, 0, (c, _, r) => Pop3Load.RunAsync(c, r)));
            var killAfter = rng.Next(options.KillAfterMinMs, options.KillAfterMaxMs + 1);

            // The kill itself, at a moment drawn uniformly from the window after the load started.
            await Task.Delay(killAfter).ConfigureAwait(false);
            context.MarkKilled();
            await server.KillAsync().ConfigureAwait(false);
            kills[server.Generation] = clock.Elapsed; // the process is gone: nothing it sent can come later than this

            await context.CancelWaitsAsync().ConfigureAwait(false);
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            int unanswered;
            lock (ledger.Gate)
            {
                unanswered = ledger.Messages.Values.Count(m => !m.IsSettled)
                    + ledger.Relayed.Values.Count(r => !r.Acknowledged && r.Token.Contains($"-r{round}-", StringComparison.Ordinal));
            }

            sink.Generation = round;
            try
            {
                server = await ServerInstance.StartAsync(program, data, sink.Port, round).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                tally.Add("restart", $"round {round}: the server did not start again after the kill: {ex.Message}");
                Flush(tally, ref printed);
                rounds = round;
                break;
            }

            await verifier.CheckAsync(server, CancellationToken.None).ConfigureAwait(false);
            // The store's own check beside the running server: every body present, its length and the SHA-256 recorded
            // at intake; each problem it names is a corrupt body.
            var check = await EdgeMailProcess.RunProgramAsync(program, ["check", "--data", data], timeoutSeconds: 120).ConfigureAwait(false);
            foreach (var line in check.Stdout.Split('\n').Where(l => l.StartsWith("problem: ", StringComparison.Ordinal)))
            {
                tally.Add("corrupt", $"round {round}: edgemail check: {line}");
            }

            if (check.ExitCode != 0 && !check.Stdout.Contains("problem: ", StringComparison.Ordinal))
            {
                tally.Add("error", $"round {round}: edgemail check exited {check.ExitCode}: {check.Stderr.Trim()}");
            }
            foreach (var failure in context.Failures)
            {
                tally.Add("error", $"round {round}: {failure}");
            }

            var took = (clock.Elapsed - started).TotalSeconds;
            seconds.Add(took);
            rounds = round;
            Say(string.Create(CultureInfo.InvariantCulture,
                $"round {round}/{options.Rounds}: killed {killAfter} ms into the load; acknowledged {context.Acknowledged} local + {context.AcknowledgedRelay} relayed of {context.Operations} operations, {unanswered} unanswered at the kill; {verifier.LiveMessages} messages live; relay duplicates {verifier.NewRelayDuplicates.Count}; violations {tally.Violations}; {took:0.0} s"));
            foreach (var duplicate in verifier.NewRelayDuplicates)
            {
                Say("  relay duplicate (window): " + duplicate);
            }

            Flush(tally, ref printed);
            if (tally.Violations > 0)
            {
                break;
            }
        }

        await server.StopAsync().ConfigureAwait(false);
        Say(string.Create(CultureInfo.InvariantCulture,
            $"summary: rounds {rounds}, acknowledged messages {ledger.AcknowledgedMessages}, lost {tally.Lost}, duplicated (local) {tally.DuplicatedLocal}, relay duplicates {tally.RelayDuplicates} (window), corrupt {tally.Corrupt}, UID regressions {tally.UidRegressions}, other violations {tally.Other}, seconds per round {(seconds.Count == 0 ? 0 : seconds.Average()):0.0} (max {(seconds.Count == 0 ? 0 : seconds.Max()):0.0})"));
        if (tally.Violations > 0)
        {
            Say($"FAILED: {tally.Violations} violation(s); the data folder is kept: {data}");
            return 1;
        }

        if (ownData)
        {
            Directory.Delete(data, recursive: true);
        }

        return 0;

        Task Start(LoadContext context, int worker, Func<LoadContext, int, Random, Task> run)
        {
            var random = new Random(rng.Next());
            return Task.Run(() => run(context, worker, random));
        }
    }

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }

    private void Flush(Tally tally, ref int printed)
    {
        for (; printed < tally.Details.Count; printed++)
        {
            Say("  VIOLATION " + tally.Details[printed]);
        }
    }

    private static async Task CreateArchiveAsync(ServerInstance server)
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", server.ImapPort, SecureSocketOptions.None).ConfigureAwait(false);
        await client.AuthenticateAsync(Accounts.Imap, Accounts.Password).ConfigureAwait(false);
        try
        {
            await client.GetFolderAsync(Accounts.Archive).ConfigureAwait(false);
        }
        catch (FolderNotFoundException)
        {
            var root = client.GetFolder(client.PersonalNamespaces[0]);
            await root.CreateAsync(Accounts.Archive, true).ConfigureAwait(false);
        }

        await client.DisconnectAsync(true).ConfigureAwait(false);
    }
}
