using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Mailboxes;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Pop3.Tests.Commands;

/// <summary>The UPDATE state (RFC 1939 §6) under each Pop3:DeleteMode, and Pop3:ExpireDays (RFC 2449 §6.7).</summary>
public sealed class QuitTests
{
    [Fact]
    public async Task MoveToTrash_moves_deleted_messages_to_the_trash()
    {
        await using var server = await Pop3Server.StartAsync(new Pop3Options { DeleteMode = Pop3DeleteMode.MoveToTrash });
        await server.DeliverAsync(Pop3Server.Message("to trash"));
        await server.DeliverAsync(Pop3Server.Message("stays"));
        using var feed = server.Store.Changes.Subscribe(server.InboxId);
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("DELE 1", "+OK*");
            await client.ExpectAsync("QUIT", "+OK*");
        }

        var trash = (await server.Store.ListMailboxesAsync(server.AccountId)).Single(m => m.SpecialUse == SpecialUse.Trash);
        Assert.Equal(1, (await server.Store.GetStatusAsync(trash.Id)).Messages);
        Assert.Single(await server.InboxAsync());
        Assert.True(feed.Reader.TryRead(out var change));
        Assert.Equal(ChangeKind.Expunged, change!.Kind);
    }

    [Fact]
    public async Task Keep_leaves_deleted_messages_on_the_server()
    {
        await using var server = await Pop3Server.StartAsync(new Pop3Options { DeleteMode = Pop3DeleteMode.Keep });
        await server.DeliverAsync(Pop3Server.Message("kept"));
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("RETR 1", "+OK*");
            await client.ReadMultiLineAsync();
            await client.ExpectAsync("DELE 1", "+OK*");
            await client.ExpectAsync("QUIT", "+OK*");
        }

        var message = Assert.Single(await server.InboxAsync());
        Assert.True(message.Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Retrieved_messages_are_marked_seen_only_at_quit()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("read"));
        await server.DeliverAsync(Pop3Server.Message("topped"));
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("RETR 1", "+OK*");
        await client.ReadMultiLineAsync();
        await client.ExpectAsync("TOP 2 0", "+OK*");
        await client.ReadMultiLineAsync();
        Assert.All(await server.InboxAsync(), m => Assert.False(m.Flags.HasFlag(MessageFlags.Seen)));
        await client.ExpectAsync("QUIT", "+OK*");
        var inbox = await server.InboxAsync();
        Assert.True(inbox[0].Flags.HasFlag(MessageFlags.Seen));
        Assert.False(inbox[1].Flags.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task ExpireDays_removes_messages_that_many_days_after_retrieval()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Pop3Server.StartAsync(new Pop3Options { ExpireDays = 7 }, clock);
        var retrieved = await server.DeliverAsync(Pop3Server.Message("retrieved"));
        var unread = await server.DeliverAsync(Pop3Server.Message("never retrieved"));
        await using (var client = await RawClient.LoginAsync(server.Port))
        {
            await client.ExpectAsync("CAPA", "+OK*");
            Assert.Contains("EXPIRE 7", await client.ReadMultiLineAsync());
            await client.ExpectAsync("RETR 1", "+OK*");
            await client.ReadMultiLineAsync();
            await client.ExpectAsync("QUIT", "+OK*");
        }

        Assert.NotNull(await server.Store.GetRetrievedAsync(server.InboxId, retrieved.Uid));
        Assert.Null(await server.Store.GetRetrievedAsync(server.InboxId, unread.Uid));

        clock.Advance(TimeSpan.FromDays(6));
        await using (var client = await RawClient.LoginWhenFreeAsync(server.Port))
        {
            await client.ExpectAsync("STAT", "+OK 2 *");
            await client.ExpectAsync("QUIT", "+OK*");
        }

        clock.Advance(TimeSpan.FromDays(1));
        await using (var client = await RawClient.LoginWhenFreeAsync(server.Port))
        {
            await client.ExpectAsync("STAT", "+OK 1 *");
            await client.ExpectAsync("UIDL", "+OK*");
            Assert.Equal($"1 {unread.Uid:X8}{unread.UidValidity:X8}", Assert.Single(await client.ReadMultiLineAsync()));
        }
    }

    [Fact]
    public async Task Expire_zero_removes_retrieved_messages_at_quit_even_without_dele()
    {
        await using var server = await Pop3Server.StartAsync(new Pop3Options { ExpireDays = 0, DeleteMode = Pop3DeleteMode.Keep });
        await server.DeliverAsync(Pop3Server.Message("retrieved"));
        var other = await server.DeliverAsync(Pop3Server.Message("not retrieved"));
        await using var client = await RawClient.LoginAsync(server.Port);
        await client.ExpectAsync("CAPA", "+OK*");
        Assert.Contains("EXPIRE 0", await client.ReadMultiLineAsync());
        await client.ExpectAsync("RETR 1", "+OK*");
        await client.ReadMultiLineAsync();
        await client.ExpectAsync("QUIT", "+OK*");
        Assert.Equal(other.Uid, Assert.Single(await server.InboxAsync()).Uid);
    }

    [Fact]
    public async Task Message_expunged_by_another_session_answers_ERR_on_retr()
    {
        await using var server = await Pop3Server.StartAsync();
        var a = await server.DeliverAsync(Pop3Server.Message("a"));
        await using var client = await RawClient.LoginAsync(server.Port);
        await server.Store.ExpungeAsync(server.InboxId, [a.Uid], onlyDeleted: false);
        await client.ExpectAsync("RETR 1", "-ERR message was removed by another session");
        await client.ExpectAsync("DELE 1", "+OK*");
        await client.ExpectAsync("QUIT", "+OK*");
    }
}
