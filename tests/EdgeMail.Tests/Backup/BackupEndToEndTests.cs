using System.Globalization;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace EdgeMail.Tests.Backup;

/// <summary>
/// `edgemail backup` while the real service takes mail and flag changes, `restore` into a fresh folder, and the
/// restored box served again: over IMAP, every message, byte for byte, with its flags, as on the original.
/// </summary>
public sealed class BackupEndToEndTests : IDisposable
{
    private const string Address = "ann@edgemail.local";
    private const string Password = "backup-test-password";
    private readonly TempFolder _data = new();
    private readonly TempFolder _backup = new();
    private readonly TempFolder _restored = new();

    public void Dispose()
    {
        _data.Dispose();
        _backup.Dispose();
        _restored.Dispose();
    }

    [Fact]
    public async Task A_backup_made_under_load_restores_to_a_box_that_serves_the_same_mail_and_flags_over_IMAP()
    {
        var added = await EdgeMailProcess.RunAsync(["user", "add", Address, "--password-stdin", "--data", _data.Path], Password + "\n");
        Assert.True(added.ExitCode == 0, added.Stderr);
        var (smtp, imap) = (EdgeMailProcess.FreePort(), EdgeMailProcess.FreePort());
        var original = await ServeProcess.StartAsync(ServeProcess.OnlyArguments(_data.Path, ("Smtp:Port", smtp), ("Imap:Port", imap)), TimeSpan.FromSeconds(30));
        Dictionary<uint, (string Flags, byte[] Body)> expected;
        try
        {
            // Mail arrives and is flagged and expunged while the first backup runs.
            using var stop = new CancellationTokenSource();
            var sent = 0;
            var load = Task.Run(async () =>
            {
                using var client = await LoginAsync(imap);
                var inbox = client.Inbox;
                await inbox.OpenAsync(FolderAccess.ReadWrite);
                while (!stop.IsCancellationRequested)
                {
                    await LanMail.SendAsync(smtp, Address, string.Create(CultureInfo.InvariantCulture, $"load {sent}"));
                    sent++;
                    var uids = await inbox.SearchAsync(SearchQuery.All);
                    if (uids.Count > 0)
                    {
                        await inbox.AddFlagsAsync(uids[^1], MessageFlags.Seen, silent: true);
                    }

                    if (sent % 5 == 0)
                    {
                        await inbox.AddFlagsAsync(uids[0], MessageFlags.Deleted, silent: true);
                        await inbox.ExpungeAsync();
                    }
                }
            });

            await Eventually.TrueAsync(() => Volatile.Read(ref sent) >= 10, "mail flowing", TimeSpan.FromSeconds(60));
            var first = await EdgeMailProcess.RunAsync(["backup", _backup.Path, "--data", _data.Path]);
            Assert.True(first.ExitCode == 0, first.Stderr + first.Stdout);
            Assert.Contains("verified", first.Stdout, StringComparison.Ordinal);
            await stop.CancelAsync();
            await load;

            // The second, incremental backup of the quiet box is what is restored.
            var second = await EdgeMailProcess.RunAsync(["backup", _backup.Path, "--data", _data.Path]);
            Assert.True(second.ExitCode == 0, second.Stderr + second.Stdout);
            expected = await ReadInboxAsync(imap);
            Assert.True(expected.Count >= 8, $"only {expected.Count} messages");
        }
        finally
        {
            Assert.Equal(0, await original.StopAsync(TimeSpan.FromSeconds(30)));
        }

        var restore = await EdgeMailProcess.RunAsync(["restore", _backup.Path, "--data", _restored.Path]);
        Assert.True(restore.ExitCode == 0, restore.Stderr + restore.Stdout);
        Assert.Contains(": sound", restore.Stdout, StringComparison.Ordinal);

        var imap2 = EdgeMailProcess.FreePort();
        var copy = await ServeProcess.StartAsync(ServeProcess.OnlyArguments(_restored.Path, ("Imap:Port", imap2)), TimeSpan.FromSeconds(30));
        try
        {
            var actual = await ReadInboxAsync(imap2);
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (uid, (flags, body)) in expected)
            {
                Assert.Equal(flags, actual[uid].Flags);
                Assert.Equal(body, actual[uid].Body);
            }
        }
        finally
        {
            Assert.Equal(0, await copy.StopAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task Check_finds_a_damaged_segment_and_says_which_message_it_holds()
    {
        var added = await EdgeMailProcess.RunAsync(["user", "add", Address, "--password-stdin", "--data", _data.Path], Password + "\n");
        Assert.True(added.ExitCode == 0, added.Stderr);
        var smtp = EdgeMailProcess.FreePort();
        var serve = await ServeProcess.StartAsync(ServeProcess.OnlyArguments(_data.Path, ("Smtp:Port", smtp)), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            await LanMail.SendAsync(smtp, Address, string.Create(CultureInfo.InvariantCulture, $"message {i}"));
        }

        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        var sound = await EdgeMailProcess.RunAsync(["check", "--data", _data.Path]);
        Assert.True(sound.ExitCode == 0, sound.Stdout + sound.Stderr);
        Assert.Contains("3 messages", sound.Stdout, StringComparison.Ordinal);

        var segment = Directory.GetFiles(Path.Combine(_data.Path, "bodies"), "seg-*.dat").Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        bytes[^40] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes);

        var damaged = await EdgeMailProcess.RunAsync(["check", "--data", _data.Path]);
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains($"problem: {Address} mailbox INBOX UID 3: the body is damaged", damaged.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 problem(s)", damaged.Stdout, StringComparison.Ordinal);
    }

    private static async Task<ImapClient> LoginAsync(int port)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await client.AuthenticateAsync(Address, Password);
        return client;
    }

    private static async Task<Dictionary<uint, (string Flags, byte[] Body)>> ReadInboxAsync(int port)
    {
        using var client = await LoginAsync(port);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var result = new Dictionary<uint, (string, byte[])>();
        foreach (var summary in await client.Inbox.FetchAsync(0, -1, MessageSummaryItems.UniqueId | MessageSummaryItems.Flags))
        {
            using var stream = await client.Inbox.GetStreamAsync(summary.UniqueId, "");
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            result[summary.UniqueId.Id] = (summary.Flags!.Value.ToString(), copy.ToArray());
        }

        await client.DisconnectAsync(true);
        return result;
    }
}
