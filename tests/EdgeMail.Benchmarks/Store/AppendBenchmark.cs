using System.Diagnostics;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;

namespace EdgeMail.Benchmarks.Store;

/// <summary>
/// `store [dir] [appends] [messages] [size]`: MailStore.AppendAsync of [size] (default 10K) messages with durability on, by 1 and by 8
/// concurrent writers: throughput, group-commit batches, fsyncs and bytes written per append.
/// </summary>
internal static class AppendBenchmark
{
    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var root = c.ArgOr(0, BenchmarkContext.DefaultRoot);
        var count = c.IntArg(1, 2000);
        Directory.CreateDirectory(root);
        var size = c.SizeArg(3, 10 * 1024);
        var body = SampleMessage.Create(size);
        var table = new Table($"store append, {BenchmarkContext.FormatSize(size)} messages, {count} per run, in {root}",
            "writers", "appends", "seconds", "msg/s", "batches", "msg/batch", "fsyncs/msg", "write KiB/msg");
        foreach (var writers in new[] { 1, 8 })
        {
            Report.Progress($"store append: {writers} writer(s)...");
            var dir = Path.Combine(root, "append-" + writers);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }

            await using var store = MailStore.Open(new StoreOptions { Path = dir });
            var account = await store.CreateAccountAsync($"bench{writers}@edgemail.local", new ScramCredential([1], 1, [1], [1]));
            var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
            var (batches0, _) = store.WriteCounters;
            var bytes0 = ProcIo.WriteBytes();
            var per = count / writers;
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < per; i++)
                {
                    await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(body)));
                }
            })));
            sw.Stop();
            var bytes = ProcIo.WriteBytes() - bytes0;
            var appends = per * writers;
            var batches = store.WriteCounters.Batches - batches0;
            table.Add(writers, appends, sw.Elapsed.TotalSeconds, appends / sw.Elapsed.TotalSeconds, batches, (double)appends / batches,
                FsyncsPerBatch * batches / appends, bytes / 1024.0 / appends);
        }

        table.Note($"fsyncs = {FsyncsPerBatch} per committed batch: the segment, then SQLite's WAL (synchronous=FULL); checkpoints and new segments add a few.");
        table.Note("write KiB = /proc/self/io write_bytes: whole pages dirtied by this process; metadata and journal writes are not included.");
        c.Report.Add(table);
        return 0;
    }

    /// <summary>A batch of appends fsyncs the segment it appended to, then SQLite fsyncs its WAL at the commit.</summary>
    public const double FsyncsPerBatch = 2;
}
