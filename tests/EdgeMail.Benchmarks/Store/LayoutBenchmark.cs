using System.Diagnostics;
using System.Globalization;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;

namespace EdgeMail.Benchmarks.Store;

/// <summary>
/// `layout [dir] [count]`: the decision of CONVENTIONS §2.8 between one file per message and shared
/// append-only segment files, on the same disk with the same durability (on stable storage before the
/// call returns), for 10 KiB messages with 1 writer and with 8 concurrent writers. Throughput depends on
/// the machine's load; fsyncs and bytes per message do not, and decide.
/// </summary>
internal static class LayoutBenchmark
{
    private const int BodyBytes = 10 * 1024;

    /// <summary>Each case runs this many times; the table shows medians (and the lowest device figure).</summary>
    private const int Repeats = 3;

    public static Task<int> RunAsync(BenchmarkContext c)
    {
        var root = Path.Combine(c.ArgOr(0, BenchmarkContext.DefaultRoot), "layout");
        var count = c.IntArg(1, 1000);
        Directory.CreateDirectory(root);
        var disk = Disk.Of(root);
        var body = SampleMessage.Create(BodyBytes);

        // Writers block in fsync; let the pool give each its own thread at once.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);

        var results = new List<Result>();
        foreach (var writers in new[] { 1, 8 })
        {
            results.Add(Measure(root, disk, "per-file", writers, count, (dir, meter) => Model(dir, meter, LayoutKind.PerFile, writers, count, body)));
            if (writers > 1)
            {
                results.Add(Measure(root, disk, "per-file+group", writers, count, (dir, meter) => Model(dir, meter, LayoutKind.PerFileGrouped, writers, count, body)));
            }

            results.Add(Measure(root, disk, "segment", writers, count, (dir, meter) => Model(dir, meter, LayoutKind.Segment, writers, count, body)));
            results.Add(Measure(root, disk, "segment (store)", writers, count, (dir, meter) => RealStore(dir, meter, writers, count, body)));
        }

        var table = new Table($"body layout, {BodyBytes / 1024} KiB messages, {count} per case, median of {Repeats} runs, on {disk}",
            "layout", "writers", "msg/s", "msg/commit", "fsyncs/msg", "write KiB/msg", "body disk KiB/msg", "device KiB/msg");
        foreach (var r in results)
        {
            table.Add(r.Layout, r.Writers, r.MessagesPerSecond, r.MessagesPerCommit, r.FsyncsPerMessage, r.WriteKiBPerMessage,
                r.AllocatedKiBPerMessage < 0 ? "n/a" : r.AllocatedKiBPerMessage, disk.HasDeviceCounters ? r.DeviceKiBPerMessage : "n/a");
        }

        table.Note("per-file: tmp file, fsync, rename, fsync dir, SQLite commit (WAL, synchronous=FULL), all per message.");
        table.Note("per-file+group: each writer writes and fsyncs its own file; one dir fsync and one SQLite commit per batch (group commit).");
        table.Note("segment: the same minimal SQLite row; one committer appends the batch to one file, one fsync, one commit.");
        table.Note("segment (store): the real MailStore.AppendAsync; fsyncs = 2 x batches (segment + WAL).");
        table.Note("fsyncs: calls made (file, directory), plus 1 per SQLite commit (its WAL); WAL checkpoints are not counted in any row.");
        table.Note("write KiB: /proc/self/io write_bytes, pages this process dirtied; no inode, directory or journal writes.");
        table.Note($"body disk: du of the body folder: a {BodyBytes / 1024} KiB file takes {BlocksFor(BodyBytes)} x 4 KiB blocks; each file also costs an inode (256 B) and a directory entry, which du does not show.");
        table.Note("device: whole-device bytes written during the case (/sys/class/block/*/stat): includes inode and directory writes,");
        table.Note("  and any other user of the disk, so the lowest of the runs is shown (others only add).");
        table.Note("per-file and segment write the same 5-column row; segment (store) commits the store's full metadata");
        table.Note("  (MIME summary, MODSEQ, counters), which a per-file store would write too: compare layouts on the first rows.");
        if (disk.IsMemory)
        {
            table.Note($"WARNING: {root} is on {disk.Type}: fsync costs nothing there; run on a real disk (e.g. /var/tmp).");
        }

        table.Note("throughput is CPU-bound on a busy machine and noisy; fsyncs and bytes per message are not.");
        c.Report.Add(table);
        c.Report.Conclusion(Conclude(results));
        return Task.FromResult(0);
    }

    private static int BlocksFor(int bytes) => (bytes + 4095) / 4096;

    private static Result Measure(string root, Disk disk, string layout, int writers, int count, Func<string, Meter, (long Fsyncs, long Commits, string Bodies)> run)
    {
        var runs = new List<Result>();
        for (var repeat = 0; repeat < Repeats; repeat++)
        {
            Report.Progress($"layout: {layout}, {writers} writer(s), {count} messages, run {repeat + 1}/{Repeats}...");
            var dir = Path.Combine(root, $"{new string(layout.Where(char.IsAsciiLetterOrDigit).ToArray())}-{writers}");
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }

            Directory.CreateDirectory(dir);
            var meter = new Meter(disk);
            var (fsyncs, commits, bodies) = run(dir, meter);
            var (seconds, bytes, device) = meter.Result;
            var allocated = Disk.AllocatedBytes(bodies);
            runs.Add(new Result(layout, writers, count / seconds, (double)count / commits, (double)fsyncs / count,
                bytes / 1024.0 / count, allocated < 0 ? -1 : allocated / 1024.0 / count, device / 1024.0 / count));
            Directory.Delete(dir, true);
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        return new Result(layout, writers, Median(runs.Select(r => r.MessagesPerSecond)), Median(runs.Select(r => r.MessagesPerCommit)),
            Median(runs.Select(r => r.FsyncsPerMessage)), Median(runs.Select(r => r.WriteKiBPerMessage)),
            Median(runs.Select(r => r.AllocatedKiBPerMessage)), runs.Min(r => r.DeviceKiBPerMessage));
    }

    private static (long, long, string) Model(string dir, Meter meter, LayoutKind kind, int writers, int count, byte[] body)
    {
        using var layout = new LayoutModel(dir, kind);
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            for (var i = w; i < count; i += writers)
            {
                layout.Append(body);
            }
        })).ToList();
        meter.Start();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        meter.Stop();
        return (layout.Fsyncs, layout.Commits, layout.BodiesPath);
    }

    private static (long, long, string) RealStore(string dir, Meter meter, int writers, int count, byte[] body)
    {
        return Task.Run(async () =>
        {
            await using var store = MailStore.Open(new StoreOptions { Path = dir });
            var account = await store.CreateAccountAsync("layout@edgemail.local", new ScramCredential([1], 1, [1], [1]));
            var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
            var batches0 = store.WriteCounters.Batches;
            meter.Start();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = w; i < count; i += writers)
                {
                    await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(body)));
                }
            })));
            meter.Stop();
            var batches = store.WriteCounters.Batches - batches0;
            return ((long)(AppendBenchmark.FsyncsPerBatch * batches), batches, Path.Combine(store.DataPath, "bodies"));
        }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Which layout wins on fsyncs and on bytes written per message at each concurrency: the segment
    /// layout against the best per-file variant, both writing the same rows. Differences within
    /// <see cref="Tie"/> are called even.
    /// </summary>
    private static string Conclude(List<Result> results)
    {
        var parts = new List<string>();
        var outcomes = new List<int>();
        foreach (var writers in results.Select(r => r.Writers).Distinct())
        {
            var segment = results.Single(r => r.Writers == writers && r.Layout == "segment");
            var store = results.Single(r => r.Writers == writers && r.Layout == "segment (store)");
            var perFile = results.Where(r => r.Writers == writers && r.Layout.StartsWith("per-file", StringComparison.Ordinal)).MinBy(r => r.FsyncsPerMessage)!;
            var fsyncs = Compare(segment.FsyncsPerMessage, perFile.FsyncsPerMessage);
            var bytes = Compare(segment.WriteKiBPerMessage, perFile.WriteKiBPerMessage);
            outcomes.Add(fsyncs);
            outcomes.Add(bytes);
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"{writers} writer(s): fsyncs/msg {segment.FsyncsPerMessage:F2} segment (store {store.FsyncsPerMessage:F2}) vs {perFile.FsyncsPerMessage:F2} {perFile.Layout} [{Word(fsyncs)}], " +
                $"write KiB/msg {segment.WriteKiBPerMessage:F1} vs {perFile.WriteKiBPerMessage:F1} [{Word(bytes)}], " +
                $"disk KiB/msg {segment.AllocatedKiBPerMessage:F1} vs {perFile.AllocatedKiBPerMessage:F1}"));
        }

        var verdict = outcomes switch
        {
            _ when outcomes.All(o => o >= 0) && outcomes.Any(o => o > 0) => "segment files win (fewer or equal fsyncs and bytes per message at every concurrency); keep segment files",
            _ when outcomes.All(o => o <= 0) && outcomes.Any(o => o < 0) => "one file per message wins (fewer or equal fsyncs and bytes per message at every concurrency); the segment layout is not justified",
            _ when outcomes.All(o => o == 0) => "no difference in fsyncs or bytes per message; prefer the simpler file per message",
            _ => "mixed: each layout wins somewhere; see the figures",
        };
        return $"Conclusion: {verdict}. {string.Join("; ", parts)}.";

        // 1: segment needs less; -1: per-file needs less; 0: within the tie margin.
        static int Compare(double segment, double perFile) =>
            Math.Abs(segment - perFile) <= Tie * Math.Max(segment, perFile) ? 0 : segment < perFile ? 1 : -1;

        static string Word(int outcome) => outcome switch { > 0 => "segment", < 0 => "per-file", _ => "even" };
    }

    /// <summary>Relative difference under which two figures are called even (5%).</summary>
    private const double Tie = 0.05;

    /// <summary>
    /// Time and bytes of the appends alone: started once the store or model is open (schema, account),
    /// stopped before it closes (SQLite's checkpoint at the last close would count for the model, whose
    /// connections are not pooled, and not for the store, whose are).
    /// </summary>
    private sealed class Meter(Disk disk)
    {
        private readonly Stopwatch _watch = new();
        private long _bytes;
        private long _device;

        public (double Seconds, long WriteBytes, long DeviceBytes) Result { get; private set; }

        public void Start()
        {
            _bytes = ProcIo.WriteBytes();
            _device = disk.DeviceBytesWritten();
            _watch.Restart();
        }

        public void Stop()
        {
            _watch.Stop();
            Result = (_watch.Elapsed.TotalSeconds, ProcIo.WriteBytes() - _bytes, disk.DeviceBytesWritten() - _device);
        }
    }

    private sealed record Result(string Layout, int Writers, double MessagesPerSecond, double MessagesPerCommit, double FsyncsPerMessage,
        double WriteKiBPerMessage, double AllocatedKiBPerMessage, double DeviceKiBPerMessage);
}
