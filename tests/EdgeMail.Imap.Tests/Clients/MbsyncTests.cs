using System.Globalization;
using EdgeMail.Testing;
using MailKit.Search;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Imap.Tests.Clients;

/// <summary>
/// Debian's isync (mbsync, apt package isync) keeps a local Maildir and an IMAP mailbox in step over the plain
/// port: new messages, \Seen and \Flagged, and deletions go both ways, and a sync right after changes nothing.
/// </summary>
public sealed class MbsyncTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static MimeMessage NewMessage(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.To.Add(new MailboxAddress("Ann", ImapServer.User));
        message.Subject = subject;
        message.Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        message.MessageId = subject + "@example.org";
        message.Body = new TextPart("plain") { Text = "This is " + subject + ".\r\n" };
        return message;
    }

    private static void WriteMaildirMessage(string maildir, string subject)
    {
        var name = $"1767000000.{subject}.edgemail-test";
        using var file = File.Create(Path.Combine(maildir, "new", name));
        NewMessage(subject).WriteTo(file);
    }

    /// <summary>Maildir state: subject → the flag letters of its file name (":2,FS").</summary>
    private static Dictionary<string, string> MaildirState(string maildir)
    {
        var state = new Dictionary<string, string>();
        foreach (var sub in new[] { "new", "cur" })
        {
            foreach (var path in Directory.GetFiles(Path.Combine(maildir, sub)))
            {
                var name = Path.GetFileName(path);
                var flags = name.Contains(":2,", StringComparison.Ordinal) ? name[(name.IndexOf(":2,", StringComparison.Ordinal) + 3)..] : string.Empty;
                if (flags.Contains('T'))
                {
                    continue;
                }

                using var stream = File.OpenRead(path);
                state.Add(MimeMessage.Load(stream).Subject ?? string.Empty, flags);
            }
        }

        return state;
    }

    private static string FileOf(string maildir, string subject) =>
        Directory.GetFiles(Path.Combine(maildir, "cur")).Concat(Directory.GetFiles(Path.Combine(maildir, "new")))
            .Single(p => { using var s = File.OpenRead(p); return MimeMessage.Load(s).Subject == subject; });

    /// <summary>IMAP state: subject → its flags, as a client sees them.</summary>
    private async Task<Dictionary<string, MessageFlags>> ImapStateAsync(string mailbox)
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync(mailbox);
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var state = new Dictionary<string, MessageFlags>();
        if (folder.Count > 0)
        {
            foreach (var s in await folder.FetchAsync(0, -1, MessageSummaryItems.Envelope | MessageSummaryItems.Flags))
            {
                state.Add(s.Envelope!.Subject ?? string.Empty, s.Flags!.Value & (MessageFlags.Seen | MessageFlags.Flagged | MessageFlags.Deleted));
            }
        }

        await client.DisconnectAsync(true);
        return state;
    }

    private async Task<uint?> UidNextAsync(string mailbox)
    {
        using var client = await server.ConnectAsync();
        var folder = await client.GetFolderAsync(mailbox);
        await folder.StatusAsync(StatusItems.UidNext);
        await client.DisconnectAsync(true);
        return folder.UidNext?.Id;
    }

    private async Task<ToolResult> SyncAsync(string config)
    {
        var run = await ExternalTool.RunAsync("mbsync", "isync", ["-c", config, "-V", "edgemail"], timeout: TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, "mbsync failed: " + run + "\nserver log:\n" + server.Server.LogText);
        return run;
    }

    [Fact]
    public async Task Mbsync_propagates_new_messages_flags_and_deletions_both_ways_and_then_has_nothing_to_do()
    {
        ExternalTool.Require("mbsync", "isync");
        using var temp = new TempFolder();
        var maildir = Path.Combine(temp.Path, "mail", "Sync");
        foreach (var sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(maildir, sub));
        }

        var config = Path.Combine(temp.Path, "mbsyncrc");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            IMAPAccount edge
            Host 127.0.0.1
            Port {server.Port}
            User {ImapServer.User}
            Pass "{ImapServer.Password}"
            SSLType None
            AuthMechs LOGIN

            IMAPStore edge-remote
            Account edge

            MaildirStore local
            Path {temp.Path}/mail/
            Inbox {temp.Path}/mail/INBOX

            Channel edgemail
            Far :edge-remote:Sync
            Near :local:Sync
            Create Both
            Expunge Both
            Sync All
            SyncState *

            """));

        using (var client = await server.ConnectAsync())
        {
            var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path);
            var sync = (await root.CreateAsync("Sync", true))!;
            await sync.AppendAsync(NewMessage("remote-one"));
            await sync.AppendAsync(NewMessage("remote-two"), MessageFlags.Seen);
            await client.DisconnectAsync(true);
        }

        WriteMaildirMessage(maildir, "local-one");
        WriteMaildirMessage(maildir, "local-two");

        // First run: each side gets the other's messages, with their flags.
        await SyncAsync(config);
        var local = MaildirState(maildir);
        var remote = await ImapStateAsync("Sync");
        Assert.Equal(["local-one", "local-two", "remote-one", "remote-two"], local.Keys.Order());
        Assert.Equal(["local-one", "local-two", "remote-one", "remote-two"], remote.Keys.Order());
        Assert.Equal("S", local["remote-two"]);
        Assert.Equal(string.Empty, local["remote-one"]);

        // Changes on both sides: flags and a deletion each.
        using (var client = await server.ConnectAsync())
        {
            var sync = await client.GetFolderAsync("Sync");
            await sync.OpenAsync(FolderAccess.ReadWrite);
            var one = (await sync.SearchAsync(SearchQuery.SubjectContains("remote-one"))).Single();
            var two = (await sync.SearchAsync(SearchQuery.SubjectContains("remote-two"))).Single();
            await sync.AddFlagsAsync(one, MessageFlags.Flagged | MessageFlags.Seen, silent: true);
            await sync.AddFlagsAsync(two, MessageFlags.Deleted, silent: true);
            await sync.ExpungeAsync();
            await client.DisconnectAsync(true);
        }

        var localOne = FileOf(maildir, "local-one");
        File.Move(localOne, Path.Combine(maildir, "cur", Path.GetFileName(localOne).Split(':')[0] + ":2,FS"));
        File.Delete(FileOf(maildir, "local-two"));

        await SyncAsync(config);
        local = MaildirState(maildir);
        remote = await ImapStateAsync("Sync");
        Assert.Equal(["local-one", "remote-one"], local.Keys.Order());
        Assert.Equal(["local-one", "remote-one"], remote.Keys.Order());
        Assert.Equal("FS", local["remote-one"]);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, remote["local-one"]);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, remote["remote-one"]);

        // A run right after finds nothing to do: neither side changes.
        var files = Directory.GetFiles(maildir, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".mbsyncstate", StringComparison.Ordinal)).Order().ToList();
        var uidNext = await UidNextAsync("Sync");
        var third = await SyncAsync(config);
        Assert.Equal(files, Directory.GetFiles(maildir, "*", SearchOption.AllDirectories).Where(f => !f.Contains(".mbsyncstate", StringComparison.Ordinal)).Order().ToList());
        Assert.Equal(remote, await ImapStateAsync("Sync"));
        Assert.Equal(uidNext, await UidNextAsync("Sync"));
        Assert.Contains("far side: 2 messages", third.Stdout);
        Assert.Contains("near side: 2 messages", third.Stdout);
    }
}
