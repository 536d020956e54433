using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EdgeMail.Testing;
using MimeKit;

namespace EdgeMail.CrashHarness.Fetch;

/// <summary>
/// The fetch rounds (README: Crash safety, fetch accounts): a provider (a second `edgemail serve`) holds --messages
/// messages, each with its own token; a fresh box with one fetch account (imap keep, imap delete, pop3 delete) makes
/// its first sync of them and is SIGKILLed at a random moment (seeded), started again, and so on until the sync is
/// complete. A round is one kill. After each, the harness takes what the provider still holds and, once the box
/// runs again, what the box shows: each message at most once, whole, nothing of a commit undone, and with delete,
/// every message gone from the provider is here (a message gone there cannot be fetched any more, so one missing
/// here at any later read was lost at that kill). At the end of a sync: every message here exactly once, the
/// provider empty (delete) or untouched (keep), the fetch account's count equal to the messages, `edgemail check`
/// clean. --rounds is the number of kills for each mode; a sync cut short by it is completed without more kills.
/// </summary>
internal sealed class FetchHarness(HarnessOptions options, TextWriter output)
{
    /// <summary>The time from a start to its first commit (TLS, login, the listing) at first; learnt for each mode.</summary>
    private static readonly TimeSpan FirstOverhead = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan CompletionDeadline = TimeSpan.FromSeconds(90);

    private readonly Tally _tally = new();

    /// <summary>Messages a second once connected: learnt from each round (kept from mode to mode), it sizes the kill window.</summary>
    private double _rate = 300;
    private Box? _running;

    public async Task<int> RunAsync()
    {
        var program = options.Binary ?? EdgeMailProcess.Program;
        if (!File.Exists(program))
        {
            await Console.Error.WriteLineAsync($"crash harness: no program at {program} (--binary PATH, or build the harness so that edgemail.dll is beside it)").ConfigureAwait(false);
            return 2;
        }

        var ownData = options.Data is null;
        var root = options.Data ?? Path.Combine("/var/tmp", string.Create(CultureInfo.InvariantCulture, $"edgemail-fetchcrash-{options.Seed}-{Environment.ProcessId}"));
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            await Console.Error.WriteLineAsync($"crash harness: {root} is not empty").ConfigureAwait(false);
            return 2;
        }

        var modes = options.Fetch!;
        Say($"fetch crash harness: modes {string.Join(",", modes.Select(m => m.Name))}, {options.Rounds} rounds each, {options.Messages} messages a sync, seed {options.Seed}, program {program}, data {root}");
        var clock = Stopwatch.StartNew();
        var provider = await Provider.StartAsync(program, Path.Combine(root, "provider")).ConfigureAwait(false);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => KillAll(provider));
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => KillAll(provider));
        var rng = new Random(options.Seed);
        var totals = new ModeStats("all");
        var printed = 0;
        try
        {
            foreach (var mode in modes)
            {
                var stats = await RunModeAsync(program, root, provider, mode, rng, () => Flush(ref printed)).ConfigureAwait(false);
                Say(stats.Line());
                totals.Add(stats);
                Flush(ref printed);
                if (_tally.Violations > 0)
                {
                    break;
                }
            }
        }
        finally
        {
            _running?.KillQuietly();
            await provider.StopAsync().ConfigureAwait(false);
        }

        Say(string.Create(CultureInfo.InvariantCulture,
            $"fetch summary: rounds {totals.Kills}, syncs {totals.Syncs}, messages {totals.Messages}, lost {_tally.Lost}, duplicated {_tally.DuplicatedLocal}, corrupt {_tally.Corrupt}, UID regressions {_tally.UidRegressions}, other violations {_tally.Other}; kills {totals.KillsBeforeCommit} before a commit of that start, {totals.KillsMidSync} mid-sync, {totals.KillsAfterLastCommit} after the last commit; failed passes {totals.FailedPasses}; {clock.Elapsed.TotalSeconds:0.0} s"));
        if (_tally.Violations > 0)
        {
            Say($"FAILED: {_tally.Violations} violation(s); the data folder is kept: {root}");
            return 1;
        }

        if (ownData)
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    private async Task<ModeStats> RunModeAsync(string program, string root, Provider provider, FetchMode mode, Random rng, Action flush)
    {
        var stats = new ModeStats(mode.Name);

        // Grows while kills land before the first commit of a start (with POP3 delete, a start first sends DELE again
        // for every message committed before: nothing takes effect before QUIT), shrinks once they land after it.
        var overhead = FirstOverhead;
        var n = options.Messages;
        while (stats.Kills < options.Rounds && _tally.Violations == 0)
        {
            var sync = stats.Syncs + 1;
            var messages = new List<MimeMessage>();
            for (var i = 0; i < n; i++)
            {
                var token = string.Create(CultureInfo.InvariantCulture, $"{mode.Name}-{sync}-{i:D5}-s{options.Seed}");
                var size = rng.Next(100) switch
                {
                    < 70 => rng.Next(200, 4_000),
                    < 97 => rng.Next(4_000, 64_000),
                    _ => rng.Next(300_000, 600_000), // past the store's inline limit: a body file of its own
                };
                messages.Add(CrashMail.Build(token, "sender@example.org", Provider.User, rng, size, out _));
            }

            var expected = await provider.FillAsync(messages, CancellationToken.None).ConfigureAwait(false);
            var data = Path.Combine(root, $"box-{mode.Name}-{sync}");
            var box = await Box.CreateAsync(program, data, provider, mode).ConfigureAwait(false);
            var view = new LocalView(expected, _tally);
            await box.StartAsync().ConfigureAwait(false);
            _running = box;
            long committed = 0;
            HashSet<string>? goneAtKill = null;
            var round = 0;
            while (true)
            {
                var where = string.Create(CultureInfo.InvariantCulture, $"{mode.Name} sync {sync} after round {round}");
                await view.ReadAsync(box.ImapPort, where, CancellationToken.None).ConfigureAwait(false);
                CheckAfterKill(view, goneAtKill, committed, where);
                if (await IsCompleteAsync(view, provider, mode).ConfigureAwait(false) || _tally.Violations > 0)
                {
                    break;
                }

                if (stats.Kills >= options.Rounds)
                {
                    // The rounds are done: this sync finishes undisturbed.
                    await WaitForCompletionAsync(box, view, provider, mode, where).ConfigureAwait(false);
                    break;
                }

                // A moment drawn uniformly from the start to a little past the expected end of what is left.
                var window = overhead + TimeSpan.FromSeconds(1.2 * (n - committed) / _rate);
                var killAt = TimeSpan.FromMilliseconds(rng.NextDouble() * window.TotalMilliseconds);
                var wait = killAt - box.Alive.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait).ConfigureAwait(false);
                }

                var log = await box.KillAsync().ConfigureAwait(false);
                _running = null;
                round++;
                stats.Kills++;
                var alive = box.Alive.Elapsed;
                stats.CountFailures(log);

                // What the kill left: the count committed with the local copies (read from the store), and the provider.
                var now = await box.FetchedAsync().ConfigureAwait(false);
                var remote = await provider.TokensAsync(CancellationToken.None).ConfigureAwait(false);
                goneAtKill = expected.Keys.Where(t => !remote.Contains(t)).ToHashSet(StringComparer.Ordinal);
                if (now == committed)
                {
                    stats.KillsBeforeCommit++;
                }
                else if (now >= n)
                {
                    stats.KillsAfterLastCommit++;
                }
                else
                {
                    stats.KillsMidSync++;
                }

                var connected = alive - overhead;
                overhead = now == committed
                    ? TimeSpan.FromMilliseconds(Math.Min(5_000, Math.Max(overhead.TotalMilliseconds, alive.TotalMilliseconds) * 1.25))
                    : TimeSpan.FromMilliseconds(Math.Max(FirstOverhead.TotalMilliseconds / 2, overhead.TotalMilliseconds * 0.9));
                if (now >= n)
                {
                    // The sync was over before the kill: the window was too long, the rate is higher than thought.
                    _rate *= 1.5;
                }
                else if (now > committed && connected > TimeSpan.FromMilliseconds(50))
                {
                    _rate = (_rate + ((now - committed) / connected.TotalSeconds)) / 2;
                }

                Say(string.Create(CultureInfo.InvariantCulture,
                    $"{mode.Name} sync {sync} round {round} ({stats.Kills}/{options.Rounds}): killed {alive.TotalMilliseconds:0} ms after the start; committed {committed} -> {now} of {n}; the provider holds {remote.Count}; violations {_tally.Violations}"));
                flush();
                if (mode.Deletes is false && goneAtKill.Count > 0)
                {
                    _tally.Add("other", $"{mode.Name} sync {sync} round {round}: keep, yet {goneAtKill.Count} message(s) are gone from the provider, e.g. {goneAtKill.First()}");
                }

                if (now < committed)
                {
                    _tally.Add("lost", string.Create(CultureInfo.InvariantCulture, $"{mode.Name} sync {sync} round {round}: the fetch account's count went down from {committed} to {now}"));
                }

                committed = now;
                await box.StartAsync().ConfigureAwait(false);
                _running = box;
            }

            await FinishSyncAsync(box, view, mode, sync, n).ConfigureAwait(false);
            _running = null;
            stats.Syncs++;
            stats.Messages += n;
            flush();
            if (_tally.Violations == 0)
            {
                Directory.Delete(data, recursive: true);
            }
        }

        return stats;
    }

    /// <summary>What the previous kill left must show once the box runs again.</summary>
    private void CheckAfterKill(LocalView view, HashSet<string>? goneAtKill, long committed, string where)
    {
        if (goneAtKill is null)
        {
            return;
        }

        var lost = goneAtKill.Where(t => !view.Tokens.Contains(t)).ToList();
        if (lost.Count > 0)
        {
            _tally.Add("lost", $"{where}: {lost.Count} message(s) gone from the provider at the kill are not here, e.g. {lost[0]}");
        }

        if (view.Tokens.Count < committed)
        {
            _tally.Add("lost", string.Create(CultureInfo.InvariantCulture, $"{where}: {committed} committed at the kill, {view.Tokens.Count} here after the restart"));
        }
    }

    private static async Task<bool> IsCompleteAsync(LocalView view, Provider provider, FetchMode mode)
    {
        if (!view.Complete)
        {
            return false;
        }

        var remote = await provider.TokensAsync(CancellationToken.None).ConfigureAwait(false);
        return mode.Deletes ? remote.Count == 0 : remote.Count == view.Tokens.Count;
    }

    private async Task WaitForCompletionAsync(Box box, LocalView view, Provider provider, FetchMode mode, string where)
    {
        var deadline = Stopwatch.StartNew();
        while (!await IsCompleteAsync(view, provider, mode).ConfigureAwait(false))
        {
            if (deadline.Elapsed > CompletionDeadline || _tally.Violations > 0)
            {
                _tally.Add("other", string.Create(CultureInfo.InvariantCulture, $"{where}: the sync did not complete within {CompletionDeadline.TotalSeconds:0} s ({view.Tokens.Count} here)"));
                return;
            }

            await Task.Delay(200).ConfigureAwait(false);
            await view.ReadAsync(box.ImapPort, where, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The end of a sync: a pass more brings nothing; the count is the messages; the store checks clean.</summary>
    private async Task FinishSyncAsync(Box box, LocalView view, FetchMode mode, int sync, int n)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"{mode.Name} sync {sync} at its end");
        if (_tally.Violations == 0)
        {
            await box.RunFetchAsync().ConfigureAwait(false);
            await view.ReadAsync(box.ImapPort, where, CancellationToken.None).ConfigureAwait(false);
            if (!view.Complete || view.Messages != n)
            {
                _tally.Add("other", string.Create(CultureInfo.InvariantCulture, $"{where}: {view.Messages} messages here, {view.Tokens.Count} of the provider's {n}"));
            }

            var fetched = await box.FetchedAsync().ConfigureAwait(false);
            if (fetched != n)
            {
                _tally.Add(fetched > n ? "duplicated" : "lost", string.Create(CultureInfo.InvariantCulture, $"{where}: fetch status says {fetched} fetched of {n}"));
            }
        }

        await box.StopAsync().ConfigureAwait(false);
        foreach (var problem in await box.CheckAsync().ConfigureAwait(false))
        {
            _tally.Add("corrupt", $"{where}: edgemail check: {problem}");
        }
    }

    private void KillAll(Provider provider)
    {
        _running?.KillQuietly();
        provider.KillQuietly();
    }

    private void Say(string line)
    {
        output.WriteLine(line);
        output.Flush();
    }

    private void Flush(ref int printed)
    {
        for (; printed < _tally.Details.Count; printed++)
        {
            Say("  VIOLATION " + _tally.Details[printed]);
        }
    }

    private sealed class ModeStats(string name)
    {
        public int Kills { get; set; }

        public int Syncs { get; set; }

        public long Messages { get; set; }

        public int KillsBeforeCommit { get; set; }

        public int KillsMidSync { get; set; }

        public int KillsAfterLastCommit { get; set; }

        public int FailedPasses { get; set; }

        /// <summary>The distinct errors of the failed passes (a kill between two of them is not a failure of the box).</summary>
        public SortedSet<string> Errors { get; } = new(StringComparer.Ordinal);

        public void CountFailures(string log)
        {
            const string Marker = "FetchService[701] ";
            foreach (var line in log.Split('\n').Where(l => l.Contains(Marker, StringComparison.Ordinal)))
            {
                FailedPasses++;
                var error = line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim();
                var next = error.LastIndexOf("; next attempt", StringComparison.Ordinal);
                Errors.Add(next < 0 ? error : error[..next]);
            }
        }

        public void Add(ModeStats other)
        {
            Kills += other.Kills;
            Syncs += other.Syncs;
            Messages += other.Messages;
            KillsBeforeCommit += other.KillsBeforeCommit;
            KillsMidSync += other.KillsMidSync;
            KillsAfterLastCommit += other.KillsAfterLastCommit;
            FailedPasses += other.FailedPasses;
            Errors.UnionWith(other.Errors);
        }

        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"{name}: rounds {Kills}, syncs {Syncs}, messages {Messages}; kills {KillsBeforeCommit} before a commit of that start, {KillsMidSync} mid-sync, {KillsAfterLastCommit} after the last commit; failed passes {FailedPasses}{(Errors.Count == 0 ? "" : ": " + string.Join(" | ", Errors))}");
    }
}
