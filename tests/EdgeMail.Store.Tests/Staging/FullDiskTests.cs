using System.Diagnostics;
using System.Text;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests.Staging;

/// <summary>
/// A disk that fills up while a message is being written (on a 2 MiB tmpfs, so the disk really is full): the message
/// is refused as StorageFull once it is complete, so a protocol can read it to its end and answer 452 4.3.1 or
/// NO [OVERQUOTA] instead of dropping the connection; its bytes are gone, and the store takes mail again.
/// </summary>
public sealed class FullDiskTests
{
    [Fact]
    public async Task A_message_that_fills_the_disk_is_refused_as_storage_full_and_the_store_goes_on()
    {
        await OnSmallTmpfsAsync(async folder =>
        {
            await using var store = MailStore.Open(new StoreOptions { Path = Path.Combine(folder, "data"), InlineBodyMaxBytes = 1024 });
            var account = await store.CreateAccountAsync("ann@example.org", new ScramCredential([1, 2, 3, 4], 4096, new byte[32], new byte[32]));
            var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
            var line = Encoding.ASCII.GetBytes(new string('x', 998) + "\r\n");

            await using (var staging = store.CreateStaging())
            {
                await staging.WriteAsync("Subject: too big for this disk\r\n\r\n"u8.ToArray());
                for (var i = 0; i < 4 * 1024; i++)
                {
                    await staging.WriteAsync(line);
                }

                Assert.True(staging.StorageFull);
                var error = await Assert.ThrowsAsync<StoreException>(() => store.AppendAsync(inbox.Id, new AppendRequest(staging)));
                Assert.Equal(StoreError.StorageFull, error.Error);
            }

            Assert.Empty(Directory.GetFiles(Path.Combine(folder, "data", "tmp")));
            var after = await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream("Subject: after\r\n\r\nstill taking mail\r\n"u8.ToArray())));
            Assert.Equal(1, (await store.GetStatusAsync(inbox.Id)).Messages);
            Assert.Equal(after.Uid, (await store.GetMessageAsync(inbox.Id, after.Uid))!.Uid);
        });
    }

    [Fact]
    public async Task A_write_that_fails_on_a_full_disk_shows_in_the_health_until_a_write_commits_again()
    {
        await OnSmallTmpfsAsync(async folder =>
        {
            await using var store = MailStore.Open(new StoreOptions { Path = Path.Combine(folder, "data") });
            var account = await store.CreateAccountAsync("ann@example.org", new ScramCredential([1, 2, 3, 4], 4096, new byte[32], new byte[32]));
            var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
            var changes = new List<string?>();
            store.Health.Changed += changes.Add;
            Assert.Null(store.Health.Failure);

            // Everything but a few bytes taken by another file: the next body cannot be appended to the segment.
            var filler = Path.Combine(folder, "filler");
            await FillAsync(filler);
            var message = Encoding.ASCII.GetBytes("Subject: no room\r\n\r\n" + new string('x', 64 * 1024) + "\r\n");
            var error = await Assert.ThrowsAsync<StoreException>(() => store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(message))));
            Assert.Equal(StoreError.StorageFull, error.Error);
            Assert.Equal("the disk is full", store.Health.Failure);

            File.Delete(filler);
            await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(message)));
            Assert.Null(store.Health.Failure);
            Assert.Equal(["the disk is full", null], changes);
        });
    }

    private static async Task FillAsync(string path)
    {
        await using var file = File.Create(path);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                await file.WriteAsync(block);
                await file.FlushAsync();
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    // A 2 MiB tmpfs mounted on a temporary folder for the test, so that the disk really fills; needs root.
    private static async Task OnSmallTmpfsAsync(Func<string, Task> test)
    {
        Assert.True(Environment.UserName == "root", "this test needs root (it mounts a small tmpfs to fill)");
        using var folder = new TempFolder();
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", folder.Path);
        try
        {
            await test(folder.Path);
        }
        finally
        {
            await RunAsync("umount", folder.Path);
        }
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)}: {error}");
    }
}
