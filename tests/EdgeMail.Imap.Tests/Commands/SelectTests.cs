using MailKit.Search;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>SELECT with QRESYNC (RFC 7162 §3.2.5) as MailKit uses it to resynchronize a mailbox after being offline.</summary>
public sealed class SelectTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static MimeMessage NewMessage(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = subject + "\r\n" };
        return message;
    }

    [Fact]
    public async Task Qresync_select_reports_what_vanished_and_what_changed_while_the_client_was_away()
    {
        uint validity;
        ulong modSeq;
        IList<UniqueId> known;
        using (var client = await server.ConnectAsync())
        {
            var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
            var folder = (await root.CreateAsync("Resync", true))!;
            for (var i = 1; i <= 3; i++)
            {
                await folder.AppendAsync(NewMessage("m" + i));
            }

            await client.EnableQuickResyncAsync();
            await folder.OpenAsync(FolderAccess.ReadWrite);
            validity = folder.UidValidity;
            modSeq = folder.HighestModSeq;
            known = await folder.SearchAsync(SearchQuery.All);
            await client.DisconnectAsync(true);
        }

        // Meanwhile another client deletes the first message and flags the third.
        using (var other = await server.ConnectAsync())
        {
            var folder = await other.GetFolderAsync("Resync");
            await folder.OpenAsync(FolderAccess.ReadWrite);
            await folder.AddFlagsAsync(known[0], MessageFlags.Deleted, silent: true);
            await folder.ExpungeAsync();
            await folder.AddFlagsAsync(known[2], MessageFlags.Flagged, silent: true);
            await other.DisconnectAsync(true);
        }

        using var again = await server.ConnectAsync();
        await again.EnableQuickResyncAsync();
        var resync = await again.GetFolderAsync("Resync");
        var vanished = new List<UniqueId>();
        var flagged = new List<UniqueId>();
        resync.MessagesVanished += (_, e) => vanished.AddRange(e.UniqueIds);
        resync.MessageFlagsChanged += (_, e) =>
        {
            if (e.UniqueId is { } uid && e.Flags.HasFlag(MessageFlags.Flagged))
            {
                flagged.Add(uid);
            }
        };
        await resync.OpenAsync(FolderAccess.ReadWrite, validity, modSeq, known);
        Assert.Equal([known[0]], vanished);
        Assert.Equal([known[2]], flagged);
        Assert.Equal(2, resync.Count);
        await again.DisconnectAsync(true);
    }
}
