using MailKit.Net.Imap;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>CREATE, RENAME, DELETE, SUBSCRIBE, LIST/LSUB, LIST-STATUS, STATUS, ID, CLOSE and UNSELECT through MailKit.</summary>
public sealed class MailboxTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Fact]
    public async Task Nested_mailboxes_are_created_renamed_with_children_and_deleted()
    {
        using var client = await server.ConnectAsync();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        var projects = (await root.CreateAsync("Projects", false))!;
        var alpha = (await projects.CreateAsync("Alpha", true))!;
        Assert.Equal("Projects/Alpha", alpha.FullName);

        await projects.RenameAsync(root, "Work");
        var children = await (await client.GetFolderAsync("Work")).GetSubfoldersAsync();
        Assert.Equal(["Work/Alpha"], children.Select(f => f.FullName));

        // A mailbox with children cannot go first; its child can.
        var child = await client.GetFolderAsync("Work/Alpha");
        await child.DeleteAsync();
        var work = await client.GetFolderAsync("Work");
        await work.DeleteAsync();
        var all = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        Assert.DoesNotContain(all, f => f.FullName.StartsWith("Work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_non_ascii_name_travels_as_modified_utf7_and_is_stored_as_utf8()
    {
        using var client = await server.ConnectAsync();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        await root.CreateAsync("Café Ünïcode", true);
        var listed = await client.GetFoldersAsync(client.PersonalNamespaces[0]);
        Assert.Contains(listed, f => f.FullName == "Café Ünïcode");

        var account = (await server.Server.Store.FindAccountAsync(ImapServer.User))!;
        Assert.NotNull(await server.Server.Store.GetMailboxAsync(account.Id, "Café Ünïcode"));
    }

    [Fact]
    public async Task Subscriptions_show_in_lsub_and_list_subscribed()
    {
        using var client = await server.ConnectAsync();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        var news = (await root.CreateAsync("Newsletters", true))!;
        await news.SubscribeAsync();
        var subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, true);
        Assert.Contains(subscribed, f => f.FullName == "Newsletters");
        await news.UnsubscribeAsync();
        subscribed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.None, true);
        Assert.DoesNotContain(subscribed, f => f.FullName == "Newsletters");
    }

    [Fact]
    public async Task List_status_and_status_count_messages_unseen_and_size()
    {
        using var client = await server.ConnectAsync();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        var box = (await root.CreateAsync("Counted", true))!;
        await box.AppendAsync(TestMessages.Text("one"), MessageFlags.Seen);
        await box.AppendAsync(TestMessages.Text("two"));

        await box.StatusAsync(StatusItems.Count | StatusItems.Unread | StatusItems.UidNext | StatusItems.UidValidity | StatusItems.Size);
        Assert.Equal(2, box.Count);
        Assert.Equal(1, box.Unread);
        Assert.True(box.UidNext!.Value.Id >= 3);
        Assert.True(box.Size > 0);

        var listed = await client.GetFoldersAsync(client.PersonalNamespaces[0], StatusItems.Count | StatusItems.Unread);
        var counted = listed.Single(f => f.FullName == "Counted");
        Assert.Equal(2, counted.Count);
        Assert.Equal(1, counted.Unread);
    }

    [Fact]
    public async Task Close_expunges_deleted_messages_and_unselect_does_not()
    {
        using var client = await server.ConnectAsync();
        var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
        var box = (await root.CreateAsync("Closing", true))!;
        await box.AppendAsync(TestMessages.Text("keep"));
        await box.AppendAsync(TestMessages.Text("drop"), MessageFlags.Deleted);

        await box.OpenAsync(FolderAccess.ReadWrite);
        await box.CloseAsync(expunge: false);
        await box.StatusAsync(StatusItems.Count);
        Assert.Equal(2, box.Count);

        await box.OpenAsync(FolderAccess.ReadWrite);
        await box.CloseAsync(expunge: true);
        await box.StatusAsync(StatusItems.Count);
        Assert.Equal(1, box.Count);
    }

    [Fact]
    public async Task Renaming_inbox_moves_its_messages_and_leaves_an_empty_inbox()
    {
        // A fresh account, so that other tests' messages do not interfere.
        await server.Server.AddUserAsync("renamer@edgemail.local", "rename me please");
        using var client = new ImapClient { Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", server.Port, MailKit.Security.SecureSocketOptions.None);
        await client.AuthenticateAsync("renamer@edgemail.local", "rename me please");
        await client.Inbox.AppendAsync(TestMessages.Text("first"));
        await client.Inbox.AppendAsync(TestMessages.Text("second"));

        // MailKit will not rename INBOX itself, so the command goes over a plain socket.
        using (var raw = new System.Net.Sockets.TcpClient())
        {
            await raw.ConnectAsync("127.0.0.1", server.Port);
            using var stream = raw.GetStream();
            using var reader = new StreamReader(stream);
            using var writer = new StreamWriter(stream) { NewLine = "\r\n", AutoFlush = true };
            await reader.ReadLineAsync();
            await writer.WriteLineAsync("a1 LOGIN renamer@edgemail.local \"rename me please\"");
            while ((await reader.ReadLineAsync())?.StartsWith("a1 ", StringComparison.Ordinal) == false)
            {
            }

            await writer.WriteLineAsync("a2 RENAME INBOX \"Old Inbox\"");
            string? line;
            while ((line = await reader.ReadLineAsync())?.StartsWith("a2 ", StringComparison.Ordinal) == false)
            {
            }

            Assert.StartsWith("a2 OK", line);
        }

        // RFC 9051 §6.3.6: the messages move to the new mailbox and INBOX stays, empty.
        var old = await client.GetFolderAsync("Old Inbox");
        await old.StatusAsync(StatusItems.Count);
        Assert.Equal(2, old.Count);
        var inbox = await client.GetFolderAsync("INBOX");
        await inbox.StatusAsync(StatusItems.Count);
        Assert.Equal(0, inbox.Count);
    }

    [Fact]
    public async Task Id_answers_with_the_server_name()
    {
        using var client = await server.ConnectAsync();
        var implementation = await client.IdentifyAsync(new ImapImplementation { Name = "test", Version = "1" });
        Assert.Equal("EdgeMail", implementation!.Name);
    }
}
