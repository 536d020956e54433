using System.Text;
using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

public sealed class RecoveryTests
{
    [Fact]
    public async Task Reopen_after_crash_leftovers_truncates_segment_removes_strays_and_keeps_messages()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bodies = new List<byte[]>
        {
            StoreHarness.Message(2000, 1),
            StoreHarness.Message(10 * 1024, 2),
            StoreHarness.Message(1024 * 1024, 3),
            StoreHarness.Message(5000, 4),
        };
        var uids = new List<uint>();
        foreach (var body in bodies)
        {
            uids.Add((await h.AppendAsync(h.InboxId, body, MessageFlags.Seen)).Uid);
        }

        await h.CloseAsync();

        var bodiesPath = Path.Combine(h.Path, "bodies");
        var newestSegment = Directory.GetFiles(bodiesPath, "seg-*.dat").Order(StringComparer.Ordinal).Last();
        var segmentLength = new FileInfo(newestSegment).Length;
        var garbage = Encoding.ASCII.GetBytes(new string('X', 777));
        await using (var segment = new FileStream(newestSegment, FileMode.Append, FileAccess.Write))
        {
            await segment.WriteAsync(garbage);
        }

        var stray = Path.Combine(bodiesPath, $"b-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(stray, "From: x@example.org\r\n\r\nnever committed\r\n");
        var temp = Path.Combine(h.Path, "tmp", "x.tmp");
        await File.WriteAllTextAsync(temp, "half staged");
        var liveFiles = Directory.GetFiles(bodiesPath, "b-*.eml").Where(f => f != stray).ToList();
        Assert.Single(liveFiles);

        await h.ReopenAsync();

        var report = h.Store.Recovery!;
        Assert.Equal(garbage.Length, report.BytesTruncated);
        Assert.Equal(1, report.OrphanFilesRemoved);
        Assert.Equal(1, report.TempFilesRemoved);
        Assert.False(File.Exists(stray));
        Assert.False(File.Exists(temp));
        Assert.True(File.Exists(liveFiles[0]));
        Assert.Equal(segmentLength, new FileInfo(newestSegment).Length);

        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal(uids, messages.Select(m => m.Uid));
        for (var i = 0; i < bodies.Count; i++)
        {
            Assert.Equal(bodies[i], await h.ReadBodyAsync(messages[i].BodyId));
        }

        // The truncated segment takes new appends at the right place.
        var next = StoreHarness.Message(3000, 5);
        var appended = await h.AppendAsync(h.InboxId, next);
        Assert.Equal(next, await h.ReadBodyAsync((await h.Store.GetMessageAsync(h.InboxId, appended.Uid))!.BodyId));
        Assert.Equal(bodies[^1], await h.ReadBodyAsync(messages[^1].BodyId));
    }

    [Fact]
    public async Task Clean_reopen_reports_nothing_to_recover()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.AppendAsync(h.InboxId, StoreHarness.Message(2000));

        await h.ReopenAsync();

        var report = h.Store.Recovery!;
        Assert.Equal(0, report.BytesTruncated);
        Assert.Equal(0, report.OrphanFilesRemoved);
        Assert.Equal(0, report.TempFilesRemoved);
        Assert.Equal(0, report.SegmentsRemoved);
    }

    [Fact]
    public async Task Expunged_large_body_file_is_gone_after_reopen()
    {
        await using var h = await StoreHarness.CreateAsync();
        var a = await h.AppendAsync(h.InboxId, StoreHarness.Message(1024 * 1024), MessageFlags.Deleted);
        Assert.Single(Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml"));

        await h.Store.ExpungeAsync(h.InboxId);
        await h.ReopenAsync();

        Assert.Empty(Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml"));
        Assert.Null(await h.Store.GetMessageAsync(h.InboxId, a.Uid));
    }

    [Fact]
    public async Task Reopen_removes_an_old_segment_that_holds_no_live_body()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.SegmentMaxBytes = 1024 * 1024);
        var bodies = Enumerable.Range(0, 6).Select(i => StoreHarness.Message(200 * 1024 + i, seed: i)).ToList();
        var uids = new List<uint>();
        foreach (var body in bodies)
        {
            uids.Add((await h.AppendAsync(h.InboxId, body, MessageFlags.Deleted)).Uid);
        }

        var bodiesPath = Path.Combine(h.Path, "bodies");
        var first = Directory.GetFiles(bodiesPath, "seg-*.dat").Order(StringComparer.Ordinal).First();
        var firstBytes = await File.ReadAllBytesAsync(first);
        await h.Store.ExpungeAsync(h.InboxId, uids.Take(5).ToList());
        await h.CloseAsync();

        // As if the crash came between the commit and the segment's unlink.
        await File.WriteAllBytesAsync(first, firstBytes);
        await h.ReopenAsync();

        Assert.Equal(1, h.Store.Recovery!.SegmentsRemoved);
        Assert.False(File.Exists(first));
        var survivor = Assert.Single(await h.ListAsync(h.InboxId));
        Assert.Equal(uids[5], survivor.Uid);
        Assert.Equal(bodies[5], await h.ReadBodyAsync(survivor.BodyId));
    }
}
