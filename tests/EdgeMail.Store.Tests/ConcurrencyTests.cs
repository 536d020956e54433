using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Concurrent_writers_and_readers_get_all_messages_with_distinct_ascending_uids_and_group_commit()
    {
        const int writers = 8;
        const int perWriter = 50;
        await using var h = await StoreHarness.CreateAsync();
        var (batchesBefore, writesBefore) = h.Store.WriteCounters;
        using var stop = new CancellationTokenSource();

        var readerErrors = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                uint last = 0;
                await foreach (var m in h.Store.EnumerateAsync(h.InboxId))
                {
                    if (m.Uid <= last)
                    {
                        Interlocked.Increment(ref readerErrors);
                    }

                    last = m.Uid;
                }

                await Task.Yield();
            }
        })).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var list = new List<(AppendResult Result, byte[] Body)>();
            for (var i = 0; i < perWriter; i++)
            {
                var body = StoreHarness.Message(600 + (w * perWriter) + i, seed: (w * 1000) + i);
                list.Add((await h.AppendAsync(h.InboxId, body), body));
            }

            return list;
        })));

        await stop.CancelAsync();
        await Task.WhenAll(readers);

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(writers * perWriter, all.Select(r => r.Result.Uid).Distinct().Count());
        foreach (var perWriterResults in results)
        {
            // Each writer's own appends complete in order, so their UIDs ascend.
            Assert.Equal(perWriterResults.Select(r => r.Result.Uid).Order(), perWriterResults.Select(r => r.Result.Uid));
        }

        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal(writers * perWriter, messages.Count);
        Assert.Equal(all.Select(r => r.Result.Uid).Order(), messages.Select(m => m.Uid));
        Assert.Equal(0, readerErrors);

        var byUid = all.ToDictionary(r => r.Result.Uid, r => r.Body);
        foreach (var m in messages.Where((_, i) => i % 37 == 0))
        {
            Assert.Equal(byUid[m.Uid], await h.ReadBodyAsync(m.BodyId));
        }

        var (batches, writes) = h.Store.WriteCounters;
        var batchCount = batches - batchesBefore;
        var writeCount = writes - writesBefore;
        Assert.Equal(writers * perWriter, writeCount);
        Assert.True(batchCount < writeCount, $"expected group commit: {batchCount} batches for {writeCount} writes");
    }
}
