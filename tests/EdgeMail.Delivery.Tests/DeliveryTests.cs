using System.Net;
using EdgeMail.Delivery.Trace;
using EdgeMail.Store;
using EdgeMail.Store.Queue;

namespace EdgeMail.Delivery.Tests;

/// <summary>The hand-off to the store: the trace header first, the size limit, the local copies and the queue entry in one batch.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task A_message_reaches_every_local_mailbox_and_the_queue_with_its_trace_header_first()
    {
        await using var h = DeliveryHarness.Create();
        await h.AddAccountAsync("ann@home.test");
        await h.AddAccountAsync("bob@home.test");
        var ann = (await h.Delivery.Router.RouteAsync("ann@home.test"))!;
        var bob = (await h.Delivery.Router.RouteAsync("bob@home.test"))!;
        var trace = new ReceivedTrace("laptop", IPAddress.Loopback, "mx.home.test", "ESMTP", "1.1", null, null, DateTimeOffset.UnixEpoch);
        var relay = new RelayEnvelope("ann@home.test", [new RelayRecipient("carol@example.net")], DateTimeOffset.UtcNow.AddDays(1));

        var result = await h.Delivery.DeliverAsync(await h.MessageAsync("Subject: hi\r\n\r\nbody\r\n", trace), [ann, bob, ann], relay);

        Assert.Equal(2, result.Appended.Count);
        Assert.NotNull(result.QueueId);
        foreach (var target in new[] { ann, bob })
        {
            var text = Assert.Single(await h.TextsAsync(target.MailboxId));
            Assert.StartsWith("Received: from laptop ([127.0.0.1])\r\n\tby mx.home.test (EdgeMail) with ESMTP id 1.1;", text);
            Assert.EndsWith("\r\nSubject: hi\r\n\r\nbody\r\n", text);
        }

        var queued = (await h.Store.GetQueuedAsync(result.QueueId!.Value))!;
        Assert.Equal("carol@example.net", Assert.Single(queued.Recipients).Address);
    }

    [Fact]
    public async Task A_message_over_the_limit_is_refused_whole_and_leaves_nothing()
    {
        await using var h = DeliveryHarness.Create(new DeliveryOptions { MaxMessageBytes = 2048 }, o => o.InlineBodyMaxBytes = 1024);
        await h.AddAccountAsync("ann@home.test");
        var ann = (await h.Delivery.Router.RouteAsync("ann@home.test"))!;
        var message = await h.MessageAsync("Subject: big\r\n\r\n");
        Assert.True(message.Reserve(2000));
        Assert.False(message.TooLarge);
        await message.WriteAsync(new byte[100], CancellationToken.None);

        Assert.True(message.TooLarge);
        var error = await Assert.ThrowsAsync<StoreException>(() => h.Delivery.DeliverAsync(message, [ann], null));
        Assert.Equal(StoreError.TooLarge, error.Error);
        Assert.Empty(await h.TextsAsync(ann.MailboxId));
        Assert.Empty(Directory.GetFiles(Path.Combine(h.DataPath, "tmp")));
    }

    [Fact]
    public async Task A_large_message_is_written_once_and_adopted()
    {
        await using var h = DeliveryHarness.Create(configure: o => o.InlineBodyMaxBytes = 1024);
        await h.AddAccountAsync("ann@home.test");
        var ann = (await h.Delivery.Router.RouteAsync("ann@home.test"))!;
        var body = "Subject: big\r\n\r\n" + string.Concat(Enumerable.Repeat("0123456789abcdef\r\n", 1000));
        var message = await h.MessageAsync(body);
        Assert.Single(Directory.GetFiles(Path.Combine(h.DataPath, "tmp")));

        await h.Delivery.DeliverAsync(message, [ann], null);

        Assert.Equal(body, Assert.Single(await h.TextsAsync(ann.MailboxId)));
        Assert.Empty(Directory.GetFiles(Path.Combine(h.DataPath, "tmp")));
        Assert.Single(Directory.GetFiles(Path.Combine(h.DataPath, "bodies"), "b-*"));
    }
}
