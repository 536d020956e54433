using System.Diagnostics;
using System.Text;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;

// Store benchmark (not part of CI): dotnet run -c Release --project tests/EdgeMail.Benchmarks -- [dir] [messages] [enumerate-count]
// Append throughput with durability on (10 KiB messages, 1 and 8 writers), fsyncs and bytes written
// per append (/proc/self/io write_bytes), and enumeration of a large mailbox.
var root = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "edgemail-bench-" + Environment.ProcessId);
var count = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000;
var enumerateCount = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
Directory.CreateDirectory(root);
var body = MakeMessage(10 * 1024);

foreach (var writers in new[] { 1, 8 })
{
    var dir = Path.Combine(root, "append-" + writers);
    if (Directory.Exists(dir))
    {
        Directory.Delete(dir, true);
    }

    await using var store = MailStore.Open(new StoreOptions { Path = dir });
    var account = await store.CreateAccountAsync($"bench{writers}@edgemail.local", new ScramCredential([1], 1, [1], [1]));
    var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
    var (batches0, writes0) = store.WriteCounters;
    var bytes0 = WriteBytes();
    var sw = Stopwatch.StartNew();
    var per = count / writers;
    await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < per; i++)
        {
            await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(body)));
        }
    })));
    sw.Stop();
    var (batches1, writes1) = store.WriteCounters;
    var appends = per * writers;
    var batches = batches1 - batches0;

    // Each committed batch costs one segment fsync and one WAL fsync (SQLite synchronous=FULL).
    Console.WriteLine($"append 10KiB writers={writers}: {appends / sw.Elapsed.TotalSeconds:F0} msg/s, {appends} in {sw.Elapsed.TotalSeconds:F2}s, " +
        $"batches={batches}, fsyncs/append={2.0 * batches / appends:F3}, write_bytes/append={(WriteBytes() - bytes0) / (double)appends:F0}");
}

{
    var dir = Path.Combine(root, "enumerate");
    var fresh = !Directory.Exists(dir);
    await using var store = MailStore.Open(new StoreOptions { Path = dir });
    var account = await store.FindAccountAsync("enum@edgemail.local") ?? await store.CreateAccountAsync("enum@edgemail.local", new ScramCredential([1], 1, [1], [1]));
    var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
    if (fresh)
    {
        var small = MakeMessage(1024);
        var tasks = new List<Task>();
        for (var i = 0; i < enumerateCount; i++)
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

    GC.Collect();
    var allocated0 = GC.GetAllocatedBytesForCurrentThread();
    var total0 = GC.GetTotalAllocatedBytes(true);
    var sw = Stopwatch.StartNew();
    var n = 0;
    await foreach (var m in store.EnumerateAsync(inbox.Id))
    {
        n++;
    }

    sw.Stop();
    Console.WriteLine($"enumerate {n} messages: {sw.Elapsed.TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes(true) - total0) / 1024.0 / 1024.0:F1} MiB ({(GC.GetTotalAllocatedBytes(true) - total0) / Math.Max(n, 1)} B/message), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024} MiB");
    _ = allocated0;
}

static long WriteBytes()
{
    foreach (var line in File.ReadLines("/proc/self/io"))
    {
        if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
        {
            return long.Parse(line.AsSpan(12).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    return 0;
}

static byte[] MakeMessage(int size)
{
    var sb = new StringBuilder();
    sb.Append("From: Bench <bench@example.org>\r\nTo: user@edgemail.local\r\nSubject: benchmark\r\nMessage-ID: <b@example.org>\r\nDate: Mon, 23 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n");
    while (sb.Length < size)
    {
        sb.Append("The quick brown fox jumps over the lazy dog 0123456789.\r\n");
    }

    return Encoding.ASCII.GetBytes(sb.ToString());
}
