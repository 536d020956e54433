using MailKit.Net.Imap;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>CONDSTORE and QRESYNC (RFC 7162) and live updates between two sessions (RFC 9051 §7.5).</summary>
public sealed class SyncTests(ImapServer server) : IClassFixture<ImapServer>
{
    private async Task<IMailFolder> FreshFolderAsync(ImapClient client, string name)
    {
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        return (await root.CreateAsync(name, true))!;
    }

    [Fact]
    public async Task Qresync_select_reports_vanished_and_changed_messages_in_one_round_trip()
    {
        using var phone = await server.ConnectAsync();
        await phone.EnableQuickResyncAsync();
        var folder = await FreshFolderAsync(phone, "Qresync");
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var uids = new List<UniqueId>();
        for (var i = 0; i < 4; i++)
        {
            uids.Add((await folder.AppendAsync(TestMessages.Text($"message {i}")))!.Value);
        }

        await folder.CloseAsync();
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var validity = folder.UidValidity;
        var modseq = folder.HighestModSeq;
        await phone.DisconnectAsync(true);

        // While the phone is away, a laptop flags one message, deletes another and gets a new one.
        using var laptop = await server.ConnectAsync();
        var same = await laptop.GetFolderAsync("Qresync");
        await same.OpenAsync(FolderAccess.ReadWrite);
        await same.AddFlagsAsync(uids[0], MessageFlags.Flagged, silent: true);
        await same.AddFlagsAsync(uids[1], MessageFlags.Deleted, silent: true);
        await same.ExpungeAsync();
        var added = (await same.AppendAsync(TestMessages.Text("arrived later")))!.Value;
        await laptop.DisconnectAsync(true);

        using var back = await server.ConnectAsync();
        await back.EnableQuickResyncAsync();
        var resynced = await back.GetFolderAsync("Qresync");
        var vanished = new List<UniqueId>();
        var flagged = new List<(UniqueId? Uid, MessageFlags Flags, ulong? ModSeq)>();
        resynced.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        resynced.MessageFlagsChanged += (_, e) => flagged.Add((e.UniqueId, e.Flags, e.ModSeq));
        await resynced.OpenAsync(FolderAccess.ReadOnly, validity, modseq, uids);

        Assert.Equal([uids[1]], vanished);
        var change = Assert.Single(flagged, f => f.Uid == uids[0]);
        Assert.True(change.Flags.HasFlag(MessageFlags.Flagged));
        Assert.True(change.ModSeq > modseq);
        Assert.Equal(4, resynced.Count);
        Assert.True(resynced.HighestModSeq > modseq);
        Assert.Contains(added, await resynced.SearchAsync(MailKit.Search.SearchQuery.All));
    }

    [Fact]
    public async Task Store_unchangedsince_refuses_messages_modified_after_the_clients_modseq()
    {
        using var a = await server.ConnectAsync();
        var folder = await FreshFolderAsync(a, "Condstore");
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var first = (await folder.AppendAsync(TestMessages.Text("one")))!.Value;
        var second = (await folder.AppendAsync(TestMessages.Text("two")))!.Value;
        var summaries = await folder.FetchAsync([first, second], MessageSummaryItems.ModSeq | MessageSummaryItems.UniqueId);
        var seenModSeq = summaries.Max(s => s.ModSeq!.Value);

        using var b = await server.ConnectAsync();
        var other = await b.GetFolderAsync("Condstore");
        await other.OpenAsync(FolderAccess.ReadWrite);
        await other.AddFlagsAsync(second, MessageFlags.Answered, silent: true);

        var failed = await folder.StoreAsync([first, second], new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen) { UnchangedSince = seenModSeq, Silent = true });
        Assert.Equal([second], failed);
        var after = await folder.FetchAsync([first, second], MessageSummaryItems.Flags | MessageSummaryItems.UniqueId);
        Assert.True(after.Single(s => s.UniqueId == first).Flags!.Value.HasFlag(MessageFlags.Seen));
        Assert.False(after.Single(s => s.UniqueId == second).Flags!.Value.HasFlag(MessageFlags.Seen));
    }

    [Fact]
    public async Task Changedsince_fetch_returns_only_messages_changed_after_the_modseq()
    {
        using var client = await server.ConnectAsync();
        var folder = await FreshFolderAsync(client, "Changedsince");
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var first = (await folder.AppendAsync(TestMessages.Text("one")))!.Value;
        var second = (await folder.AppendAsync(TestMessages.Text("two")))!.Value;
        var before = (await folder.FetchAsync([first, second], MessageSummaryItems.ModSeq)).Max(s => s.ModSeq!.Value);
        await folder.AddFlagsAsync(first, MessageFlags.Flagged, silent: true);
        var changed = await folder.FetchAsync(0, -1, before, MessageSummaryItems.Flags | MessageSummaryItems.UniqueId);
        var only = Assert.Single(changed);
        Assert.Equal(first, only.UniqueId);
    }

    [Fact]
    public async Task Flag_changes_and_expunges_reach_the_other_session_at_its_next_command()
    {
        using var a = await server.ConnectAsync();
        var folder = await FreshFolderAsync(a, "Live");
        await folder.OpenAsync(FolderAccess.ReadWrite);
        var first = (await folder.AppendAsync(TestMessages.Text("one")))!.Value;
        var second = (await folder.AppendAsync(TestMessages.Text("two")))!.Value;

        using var b = await server.ConnectAsync();
        var view = await b.GetFolderAsync("Live");
        await view.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(2, view.Count);
        var flagEvents = new List<int>();
        var expunged = new List<int>();
        view.MessageFlagsChanged += (_, e) => flagEvents.Add(e.Index);
        view.MessageExpunged += (_, e) => expunged.Add(e.Index);

        await folder.AddFlagsAsync(second, MessageFlags.Flagged, silent: true);
        await folder.AddFlagsAsync(first, MessageFlags.Deleted, silent: true);
        await folder.ExpungeAsync();
        await b.NoOpAsync();

        // Flag updates follow the expunges of the same report, so the second message is already index 0 then.
        Assert.Equal([0], flagEvents);
        Assert.Equal([0], expunged);
        Assert.Equal(1, view.Count);
        var left = await view.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags);
        Assert.Equal(second, Assert.Single(left).UniqueId);
    }

    [Fact]
    public async Task Delivery_through_the_store_reaches_an_idling_client_at_once()
    {
        using var client = await server.ConnectAsync();
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var before = client.Inbox.Count;
        var arrived = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Inbox.CountChanged += (_, _) => arrived.TrySetResult(client.Inbox.Count);
        using var done = new CancellationTokenSource();
        var idle = client.IdleAsync(done.Token);

        // What SMTP delivery does: an append straight into the store.
        var account = (await server.Server.Store.FindAccountAsync(ImapServer.User))!;
        var inbox = (await server.Server.Store.GetMailboxAsync(account.Id, "INBOX"))!;
        using var body = new MemoryStream("Subject: delivered\r\n\r\nhi\r\n"u8.ToArray());
        await server.Server.Store.AppendAsync(inbox.Id, new EdgeMail.Store.Messages.AppendRequest(body));

        Assert.Equal(before + 1, await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        done.Cancel();
        await idle;
    }
}
