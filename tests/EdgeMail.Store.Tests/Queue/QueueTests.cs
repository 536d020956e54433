using System.Text;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Queue;

namespace EdgeMail.Store.Tests.Queue;

public sealed class QueueTests
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nhello\r\n");

    private static RelayEnvelope Envelope(params string[] recipients) =>
        new("alice@example.org", recipients.Select(r => new RelayRecipient(r)).ToArray(), DateTimeOffset.UtcNow.AddDays(5));

    [Fact]
    public async Task Delivery_to_two_mailboxes_and_the_queue_commits_as_one_batch_sharing_one_body()
    {
        await using var h = await StoreHarness.CreateAsync();
        var second = await h.Store.CreateAccountAsync("bob@example.org", StoreHarness.DummyCredential());
        var bobInbox = (await h.Store.GetMailboxAsync(second.Id, "INBOX"))!.Id;
        var before = h.Store.WriteCounters.Batches;

        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [h.InboxId, bobInbox], Envelope("x@example.net", "y@example.net")));

        Assert.Equal(1, h.Store.WriteCounters.Batches - before);
        Assert.Equal(2, result.Appended.Count);
        Assert.NotNull(result.QueueId);
        var aliceCopy = (await h.Store.GetMessageAsync(h.InboxId, result.Appended[0].Uid))!;
        var bobCopy = (await h.Store.GetMessageAsync(bobInbox, result.Appended[1].Uid))!;
        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;
        Assert.Equal(aliceCopy.BodyId, bobCopy.BodyId);
        Assert.Equal(aliceCopy.BodyId, queued.BodyId);
        Assert.Equal(["x@example.net", "y@example.net"], queued.Recipients.Select(r => r.Address));
        Assert.All(queued.Recipients, r => Assert.Equal(RecipientState.Queued, r.State));
    }

    [Fact]
    public async Task Expunging_the_local_copy_keeps_the_body_the_queue_still_needs()
    {
        await using var h = await StoreHarness.CreateAsync();
        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [h.InboxId], Envelope("x@example.net")));
        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;

        await h.Store.ExpungeAsync(h.InboxId, onlyDeleted: false);
        await h.ReopenAsync();

        await using var body = await h.Store.OpenBodyAsync(queued.BodyId);
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        Assert.Equal(Body, copy.ToArray());

        Assert.True(await h.Store.DeleteQueuedAsync(queued.Id));
        await Assert.ThrowsAsync<StoreException>(() => h.Store.OpenBodyAsync(queued.BodyId));
        Assert.Empty(await h.Store.ListQueueAsync());
    }

    [Fact]
    public async Task Queue_survives_reopening_and_an_interrupted_attempt_is_requeued()
    {
        await using var h = await StoreHarness.CreateAsync();
        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [], Envelope("x@example.net", "y@example.net")));
        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;
        await h.Store.MarkSendingAsync([queued.Recipients[0].Id]);

        await h.ReopenAsync();
        Assert.Equal(1, await h.Store.RequeueInterruptedAsync());

        var again = (await h.Store.GetQueuedAsync(queued.Id))!;
        Assert.All(again.Recipients, r => Assert.Equal(RecipientState.Queued, r.State));
        Assert.Equal(1, again.Recipients[0].Attempts);
        Assert.Equal(new QueueCounts(1, 2, 1, queued.Created), await h.Store.GetQueueCountsAsync());
    }

    [Fact]
    public async Task Outcomes_finish_a_message_and_flush_makes_waiting_recipients_due()
    {
        await using var h = await StoreHarness.CreateAsync();
        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [], Envelope("x@example.net", "y@example.net")));
        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;
        var later = DateTimeOffset.UtcNow.AddHours(1);
        await h.Store.RecordOutcomesAsync(
        [
            new RecipientOutcome(queued.Recipients[0].Id, RecipientState.Delivered, null, later),
            new RecipientOutcome(queued.Recipients[1].Id, RecipientState.Queued, "421 busy", later, Unreachable: true),
        ]);
        Assert.Empty(await h.Store.GetDueQueueAsync(DateTimeOffset.UtcNow));
        Assert.Empty(await h.Store.GetFinishedQueueAsync());

        Assert.Equal(1, await h.Store.FlushQueueAsync(onlyUnreachable: true));
        Assert.Single(await h.Store.GetDueQueueAsync(DateTimeOffset.UtcNow.AddSeconds(1)));

        await h.Store.RecordOutcomesAsync([new RecipientOutcome(queued.Recipients[1].Id, RecipientState.Failed, "550 no", later)]);
        Assert.Single(await h.Store.GetFinishedQueueAsync());
    }

    [Fact]
    public async Task A_report_replacing_a_finished_entry_lands_in_the_inbox_and_removes_it_together()
    {
        await using var h = await StoreHarness.CreateAsync();
        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [], Envelope("x@example.net")));

        var report = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [h.InboxId], CompletesQueueMessage: result.QueueId));

        Assert.Single(report.Appended);
        Assert.Empty(await h.Store.ListQueueAsync());
    }

    [Fact]
    public async Task Concurrent_deliveries_share_commits()
    {
        await using var h = await StoreHarness.CreateAsync();
        var before = h.Store.WriteCounters;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(Body), [h.InboxId], Envelope("x@example.net"))))));

        var after = h.Store.WriteCounters;
        Assert.Equal(50, after.Writes - before.Writes);
        Assert.True(after.Batches - before.Batches < 50, $"{after.Batches - before.Batches} commits for 50 deliveries");
        Assert.Equal(50, (await h.Store.ListQueueAsync()).Count);
    }

    [Fact]
    public async Task A_message_larger_than_the_inline_limit_is_staged_and_delivered_whole()
    {
        await using var h = await StoreHarness.CreateAsync(configure: o => o.InlineBodyMaxBytes = 1024);
        var big = StoreHarness.Message(200_000);

        var result = await h.Store.DeliverAsync(new DeliveryRequest(new MemoryStream(big), [h.InboxId], Envelope("x@example.net")));

        Assert.Equal(big.Length, result.Size);
        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;
        Assert.Equal(big, await h.ReadBodyAsync(queued.BodyId));
    }
}
