using EdgeMail.Store.Changes;
using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

public sealed class BodyLifetimeTests
{
    [Theory]
    [InlineData(8 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task Body_open_while_its_message_is_expunged_still_reads_byte_exact(int size)
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(size, seed: 9);
        var a = await h.AppendAsync(h.InboxId, body, MessageFlags.Deleted);
        var record = (await h.Store.GetMessageAsync(h.InboxId, a.Uid))!;

        await using var stream = await h.Store.OpenBodyAsync(record.BodyId);
        var first = new byte[100];
        await stream.ReadExactlyAsync(first);
        await h.Store.ExpungeAsync(h.InboxId);
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest);

        Assert.Equal(body, first.Concat(rest.ToArray()).ToArray());
        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.OpenBodyAsync(record.BodyId));
        Assert.Equal(StoreError.NotFound, ex.Error);
        await Assert.ThrowsAsync<StoreException>(() => h.Store.GetSummaryAsync(record.BodyId));
    }

    [Fact]
    public async Task Expunged_small_bodies_do_not_disturb_neighbours_in_the_segment()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bodies = Enumerable.Range(0, 10).Select(i => StoreHarness.Message(9000 + i, seed: i)).ToList();
        var uids = new List<uint>();
        foreach (var (body, i) in bodies.Select((b, i) => (b, i)))
        {
            uids.Add((await h.AppendAsync(h.InboxId, body, i % 3 == 0 ? MessageFlags.Deleted : MessageFlags.None)).Uid);
        }

        await h.Store.ExpungeAsync(h.InboxId);
        await h.ReopenAsync();

        var messages = await h.ListAsync(h.InboxId);
        var survivors = Enumerable.Range(0, 10).Where(i => i % 3 != 0).ToList();
        Assert.Equal(survivors.Select(i => uids[i]), messages.Select(m => m.Uid));
        foreach (var (m, i) in messages.Zip(survivors))
        {
            Assert.Equal(bodies[i], await h.ReadBodyAsync(m.BodyId));
        }
    }

    [Fact]
    public async Task Rename_and_delete_publish_mailbox_changes()
    {
        await using var h = await StoreHarness.CreateAsync();
        var work = await h.Store.CreateMailboxAsync(h.AccountId, "Work");
        using var all = h.Store.Changes.SubscribeAll();

        await h.Store.RenameMailboxAsync(h.AccountId, "Work", "Jobs");
        await h.Store.DeleteMailboxAsync(h.AccountId, "Jobs");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var renamed = await all.Reader.ReadAsync(timeout.Token);
        var deleted = await all.Reader.ReadAsync(timeout.Token);
        Assert.Equal((ChangeKind.MailboxRenamed, work.Id, "Jobs"), (renamed.Kind, renamed.MailboxId, renamed.MailboxName));
        Assert.Equal((ChangeKind.MailboxDeleted, work.Id, "Jobs"), (deleted.Kind, deleted.MailboxId, deleted.MailboxName));
    }

    [Fact]
    public async Task Disposed_subscription_stops_receiving_changes()
    {
        await using var h = await StoreHarness.CreateAsync();
        var sub = h.Store.Changes.Subscribe(h.InboxId);
        sub.Dispose();

        await h.AppendAsync(h.InboxId, StoreHarness.Message(500));

        Assert.False(sub.Reader.TryRead(out _));
        Assert.True(sub.Reader.Completion.IsCompleted);
    }
}
