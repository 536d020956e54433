using System.Diagnostics;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;

namespace EdgeMail.Benchmarks.Store;

/// <summary>
/// `store [dir] [appends] [messages]`: enumeration of a mailbox of `messages` 1 KiB messages (time,
/// allocation). The mailbox is filled once and kept in dir/enumerate for later runs.
/// </summary>
internal static class EnumerateBenchmark
{
    public static async Task<int> RunAsync(BenchmarkContext c)
    {
        var root = c.ArgOr(0, BenchmarkContext.DefaultRoot);
        var count = c.IntArg(2, 100_000);
        var dir = Path.Combine(root, "enumerate-" + count);
        var fresh = !Directory.Exists(dir);
        await using var store = MailStore.Open(new StoreOptions { Path = dir });
        var account = await store.FindAccountAsync("enum@edgemail.local") ?? await store.CreateAccountAsync("enum@edgemail.local", new ScramCredential([1], 1, [1], [1]));
        var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
        if (fresh)
        {
            Report.Progress($"store enumerate: filling a mailbox of {count} messages (once, kept in {dir})...");
            var small = SampleMessage.Create(1024);
            var tasks = new List<Task>();
            for (var i = 0; i < count; i++)
            {
                tasks.Add(store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(small))));
                if (tasks.Count == 512)
                {
                    await Task.WhenAll(tasks);
                    tasks.Clear();
                }
            }

            await Task.WhenAll(tasks);
        }

        Report.Progress("store enumerate...");
        GC.Collect();
        var allocated0 = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        var n = 0;
        await foreach (var m in store.EnumerateAsync(inbox.Id))
        {
            n++;
        }

        sw.Stop();
        var allocated = GC.GetTotalAllocatedBytes(true) - allocated0;
        using var self = Process.GetCurrentProcess();
        c.Report.Add(new Table($"store enumerate, one mailbox, in {dir}", "messages", "ms", "msg/ms", "alloc MiB", "alloc B/msg", "peak WS MiB")
            .Add(n, sw.Elapsed.TotalMilliseconds, n / sw.Elapsed.TotalMilliseconds, allocated / 1024.0 / 1024.0, allocated / Math.Max(n, 1), self.PeakWorkingSet64 / 1024 / 1024)
            .Note("peak WS = the benchmark process's peak working set so far (includes any earlier benchmark of the run)."));
        return 0;
    }
}
