using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests;

public sealed class FailedWriteTests
{
    [Theory]
    [InlineData(4 * 1024)]
    [InlineData(1024 * 1024)]
    public async Task Append_to_a_missing_mailbox_fails_and_leaves_no_body_behind(int size)
    {
        await using var h = await StoreHarness.CreateAsync();
        var kept = StoreHarness.Message(3000, 1);
        var k = await h.AppendAsync(h.InboxId, kept);

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.AppendAsync(h.InboxId + 10_000, StoreHarness.Message(size, 2)));

        Assert.Equal(StoreError.NotFound, ex.Error);
        await Eventually.TrueAsync(() => Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml").Length == 0, "the refused body file to be removed", TimeSpan.FromSeconds(5));
        Assert.Empty(Directory.GetFiles(Path.Combine(h.Path, "tmp")));
        var next = StoreHarness.Message(5000, 3);
        var n = await h.AppendAsync(h.InboxId, next);
        Assert.Equal(k.Uid + 1, n.Uid);

        await h.ReopenAsync();
        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal([k.Uid, n.Uid], messages.Select(m => m.Uid));
        Assert.Equal(kept, await h.ReadBodyAsync(messages[0].BodyId));
        Assert.Equal(next, await h.ReadBodyAsync(messages[1].BodyId));
    }

    [Fact]
    public async Task A_refused_write_in_a_busy_batch_does_not_fail_its_neighbours()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bodies = Enumerable.Range(0, 40).Select(i => StoreHarness.Message(1000 + i, i)).ToList();

        var tasks = bodies.Select((body, i) => i % 4 == 3
            ? h.AppendAsync(h.InboxId + 10_000, body)
            : h.AppendAsync(h.InboxId, body)).ToList();
        var outcomes = await Task.WhenAll(tasks.Select(async t =>
        {
            try
            {
                return (Result: await t, Error: (StoreException?)null);
            }
            catch (StoreException ex)
            {
                return (Result: (AppendResult?)null, Error: ex);
            }
        }));

        for (var i = 0; i < outcomes.Length; i++)
        {
            if (i % 4 == 3)
            {
                Assert.Equal(StoreError.NotFound, outcomes[i].Error!.Error);
            }
            else
            {
                Assert.NotNull(outcomes[i].Result);
            }
        }

        var messages = await h.ListAsync(h.InboxId);
        Assert.Equal(30, messages.Count);
        var byUid = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Result is not null).ToDictionary(x => x.o.Result!.Uid, x => bodies[x.i]);
        foreach (var m in messages)
        {
            Assert.Equal(byUid[m.Uid], await h.ReadBodyAsync(m.BodyId));
        }
    }

    [Fact]
    public async Task Operations_on_a_missing_mailbox_report_not_found()
    {
        await using var h = await StoreHarness.CreateAsync();
        const long missing = 987_654;

        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.GetStatusAsync(missing))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.ExpungeAsync(missing))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.StoreFlagsAsync(missing, [1], FlagOperation.Add, MessageFlags.Seen))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.CopyAsync(h.InboxId, [1], missing))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.DeleteMailboxAsync(h.AccountId, "Nope"))).Error);
        Assert.Equal(StoreError.NotFound, (await Assert.ThrowsAsync<StoreException>(() => h.Store.RenameMailboxAsync(h.AccountId, "Nope", "Other"))).Error);
        Assert.Null(await h.Store.GetMailboxAsync(missing));
    }
}
