using System.Text;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests;

/// <summary>The retrieved table behind Pop3:ExpireDays: first retrieval kept, gone messages pruned, survives a reopen.</summary>
public sealed class RetrievalTests
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("Subject: r\r\n\r\nx\r\n");

    [Fact]
    public async Task First_retrieval_time_is_kept_and_listed_by_cutoff()
    {
        var clock = new ManualTimeProvider();
        await using var harness = await StoreHarness.CreateAsync(time: clock);
        var a = await harness.AppendAsync(harness.InboxId, Body);
        var b = await harness.AppendAsync(harness.InboxId, Body);

        await harness.Store.RecordRetrievedAsync(harness.InboxId, [a.Uid]);
        var first = await harness.Store.GetRetrievedAsync(harness.InboxId, a.Uid);
        Assert.NotNull(first);
        Assert.Null(await harness.Store.GetRetrievedAsync(harness.InboxId, b.Uid));

        // A second retrieval, later, does not move the time.
        clock.Advance(TimeSpan.FromSeconds(5));
        await harness.Store.RecordRetrievedAsync(harness.InboxId, [a.Uid, b.Uid]);
        Assert.Equal(first, await harness.Store.GetRetrievedAsync(harness.InboxId, a.Uid));

        Assert.Equal([a.Uid], await harness.Store.ListRetrievedBeforeAsync(harness.InboxId, first!.Value));
        Assert.Empty(await harness.Store.ListRetrievedBeforeAsync(harness.InboxId, first.Value.AddMilliseconds(-1)));
        Assert.Equal([a.Uid], await harness.Store.ListRetrievedBeforeAsync(harness.InboxId, first.Value.AddSeconds(4)));
        Assert.Equal([a.Uid, b.Uid], await harness.Store.ListRetrievedBeforeAsync(harness.InboxId, clock.GetUtcNow()));
    }

    [Fact]
    public async Task Expunged_messages_are_not_listed_and_their_rows_are_pruned()
    {
        await using var harness = await StoreHarness.CreateAsync();
        var a = await harness.AppendAsync(harness.InboxId, Body);
        var b = await harness.AppendAsync(harness.InboxId, Body);
        await harness.Store.RecordRetrievedAsync(harness.InboxId, [a.Uid, b.Uid]);
        await harness.Store.ExpungeAsync(harness.InboxId, [a.Uid], onlyDeleted: false);

        Assert.Equal([b.Uid], await harness.Store.ListRetrievedBeforeAsync(harness.InboxId, DateTimeOffset.UtcNow.AddMinutes(1)));

        // The next record drops the row of the message that is gone.
        await harness.Store.RecordRetrievedAsync(harness.InboxId, []);
        Assert.Null(await harness.Store.GetRetrievedAsync(harness.InboxId, a.Uid));
    }

    [Fact]
    public async Task Unknown_uids_are_not_recorded()
    {
        await using var harness = await StoreHarness.CreateAsync();
        await harness.Store.RecordRetrievedAsync(harness.InboxId, [12345]);
        Assert.Null(await harness.Store.GetRetrievedAsync(harness.InboxId, 12345));
    }

    [Fact]
    public async Task Retrieval_times_survive_a_reopen()
    {
        await using var harness = await StoreHarness.CreateAsync();
        var a = await harness.AppendAsync(harness.InboxId, Body);
        await harness.Store.RecordRetrievedAsync(harness.InboxId, [a.Uid]);
        var at = await harness.Store.GetRetrievedAsync(harness.InboxId, a.Uid);
        await harness.ReopenAsync();
        Assert.Equal(at, await harness.Store.GetRetrievedAsync(harness.InboxId, a.Uid));
    }

    [Fact]
    public async Task Deleting_the_mailbox_removes_its_retrieval_rows()
    {
        await using var harness = await StoreHarness.CreateAsync();
        var box = await harness.Store.CreateMailboxAsync(harness.AccountId, "Other");
        var a = await harness.AppendAsync(box.Id, Body, MessageFlags.None);
        await harness.Store.RecordRetrievedAsync(box.Id, [a.Uid]);
        await harness.Store.DeleteMailboxAsync(harness.AccountId, "Other");
        Assert.Null(await harness.Store.GetRetrievedAsync(box.Id, a.Uid));
    }
}
