using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

public sealed class EdgeCaseTests
{
    [Fact]
    public async Task Enumerate_pages_past_a_thousand_rows_and_honours_the_uid_range()
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(300);
        var uids = new List<uint>();
        var pending = Enumerable.Range(0, 1203).Select(_ => h.AppendAsync(h.InboxId, body)).ToList();
        foreach (var result in await Task.WhenAll(pending))
        {
            uids.Add(result.Uid);
        }

        uids.Sort();
        var all = await h.ListAsync(h.InboxId);
        Assert.Equal(uids, all.Select(m => m.Uid));

        var range = new List<uint>();
        await foreach (var m in h.Store.EnumerateAsync(h.InboxId, uids[10], uids[1100]))
        {
            range.Add(m.Uid);
        }

        Assert.Equal(uids.Skip(10).Take(1091), range);
    }

    [Fact]
    public async Task Rename_onto_an_existing_parent_mailbox_is_refused_and_changes_nothing()
    {
        await using var h = await StoreHarness.CreateAsync();
        var projects = await h.Store.CreateMailboxAsync(h.AccountId, "Work/Projects");
        await h.Store.CreateMailboxAsync(h.AccountId, "Other/Projects");

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.RenameMailboxAsync(h.AccountId, "Work", "Other"));

        Assert.Equal(StoreError.AlreadyExists, ex.Error);
        Assert.Equal(projects.Id, (await h.Store.GetMailboxAsync(h.AccountId, "Work/Projects"))!.Id);
        Assert.NotEqual(projects.Id, (await h.Store.GetMailboxAsync(h.AccountId, "Other/Projects"))!.Id);
    }

    [Fact]
    public async Task Move_to_the_same_mailbox_gives_new_uids_and_keeps_one_copy()
    {
        await using var h = await StoreHarness.CreateAsync();
        var body = StoreHarness.Message(2500);
        var a = await h.AppendAsync(h.InboxId, body, MessageFlags.Flagged);

        var moved = await h.Store.MoveAsync(h.InboxId, [a.Uid], h.InboxId);

        var only = Assert.Single(await h.ListAsync(h.InboxId));
        Assert.Equal(moved.DestinationUids[0], only.Uid);
        Assert.True(only.Uid > a.Uid);
        Assert.Equal(MessageFlags.Flagged, only.Flags);
        Assert.Equal(body, await h.ReadBodyAsync(only.BodyId));
    }

    [Fact]
    public async Task Copy_of_unknown_uids_copies_nothing()
    {
        await using var h = await StoreHarness.CreateAsync();
        var trash = (await h.Store.GetMailboxAsync(h.AccountId, "Trash"))!;

        var result = await h.Store.CopyAsync(h.InboxId, [42, 43], trash.Id);

        Assert.Empty(result.SourceUids);
        Assert.Empty(result.DestinationUids);
        Assert.Empty(await h.ListAsync(trash.Id));
        Assert.Equal(trash.UidNext, (await h.Store.GetMailboxAsync(trash.Id))!.UidNext);
    }
}
