using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests;

public sealed class SegmentTests
{
    [Fact]
    public async Task Bodies_spread_over_several_segments_read_back_and_a_fully_dead_segment_is_deleted()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.SegmentMaxBytes = 1024 * 1024);
        var bodies = Enumerable.Range(0, 12).Select(i => StoreHarness.Message(200 * 1024 + i, seed: i)).ToList();
        var uids = new List<uint>();
        foreach (var body in bodies)
        {
            uids.Add((await h.AppendAsync(h.InboxId, body)).Uid);
        }

        var segmentsDir = Path.Combine(h.Path, "bodies");
        var segments = Directory.GetFiles(segmentsDir, "seg-*.dat").Order(StringComparer.Ordinal).ToList();
        Assert.True(segments.Count >= 3, $"expected at least 3 segments, found {segments.Count}");
        Assert.All(segments, s => Assert.True(new FileInfo(s).Length <= 1024 * 1024));

        // The first five bodies (5 x ~200 KiB) fill the first segment; expunging them kills it.
        await h.Store.StoreFlagsAsync(h.InboxId, uids.Take(5).ToList(), FlagOperation.Add, MessageFlags.Deleted);
        await h.Store.ExpungeAsync(h.InboxId);
        await Eventually.TrueAsync(() => !File.Exists(segments[0]), "the dead segment to be deleted", TimeSpan.FromSeconds(5));
        Assert.All(segments.Skip(1), s => Assert.True(File.Exists(s)));

        await h.ReopenAsync();
        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal(uids.Skip(5), messages.Select(m => m.Uid));
        foreach (var (m, i) in messages.Zip(Enumerable.Range(5, 7)))
        {
            Assert.Equal(bodies[i], await h.ReadBodyAsync(m.BodyId));
        }

        var extra = StoreHarness.Message(100 * 1024, 99);
        var e = await h.AppendAsync(h.InboxId, extra);
        Assert.Equal(extra, await h.ReadBodyAsync((await h.Store.GetMessageAsync(h.InboxId, e.Uid))!.BodyId));
    }
}
