using EdgeMail.Store.Backup;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests.Backup;

public sealed class StoreBackupTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "edgemail-backup-test-" + Guid.NewGuid().ToString("N"));

    private string Dest => Path.Combine(_root, "backup");

    private string Restored => Path.Combine(_root, "restored");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task A_restored_backup_holds_every_message_byte_for_byte_with_its_flags_and_passes_its_check()
    {
        await using var h = await StoreHarness.CreateAsync();
        var sent = await AppendMixAsync(h, count: 12, seed: 1);
        await File.WriteAllTextAsync(Path.Combine(h.Path, "secret.key"), "key material");

        var report = StoreBackup.Create(h.Path, Dest, configFile: null, version: "test");
        Assert.Equal(12, report.Messages);
        Assert.Equal(12, report.BodiesVerified);
        Assert.True(File.Exists(Path.Combine(Dest, StoreBackup.ManifestName)));

        var (restore, check) = StoreBackup.Restore(Dest, Restored);
        Assert.True(check.Sound, string.Join("; ", check.Problems));
        Assert.Equal(12, restore.Messages);
        Assert.Equal("key material", await File.ReadAllTextAsync(Path.Combine(Restored, "secret.key")));
        await AssertSameMailAsync(sent, Restored);
    }

    [Fact]
    public async Task A_second_backup_copies_only_what_is_new_and_drops_what_was_expunged()
    {
        await using var h = await StoreHarness.CreateAsync();
        var sent = await AppendMixAsync(h, count: 10, seed: 1);
        var first = StoreBackup.Create(h.Path, Dest, null, "test");

        // Expunge the large ones (own files) and a few small; add new mail.
        var doomed = sent.Where(s => s.Body.Length > 100_000 || s.Uid % 4 == 0).Select(s => s.Uid).ToList();
        await h.Store.StoreFlagsAsync(h.InboxId, doomed, FlagOperation.Add, MessageFlags.Deleted);
        await h.Store.ExpungeAsync(h.InboxId);
        sent.RemoveAll(s => doomed.Contains(s.Uid));
        sent.AddRange(await AppendMixAsync(h, count: 3, seed: 100, smallOnly: true));

        var second = StoreBackup.Create(h.Path, Dest, null, "test");
        Assert.True(second.BytesCopied < first.BytesCopied / 4, $"second run copied {second.BytesCopied} bytes, the first {first.BytesCopied}");
        Assert.True(second.FilesRemoved >= 1, "the expunged large bodies' files stay in the backup");
        Assert.Equal(sent.Count, second.Messages);

        var (_, check) = StoreBackup.Restore(Dest, Restored);
        Assert.True(check.Sound, string.Join("; ", check.Problems));
        Assert.Empty(check.Orphans);
        await AssertSameMailAsync(sent, Restored);
    }

    [Fact]
    public async Task A_backup_taken_while_mail_arrives_and_is_expunged_is_a_consistent_snapshot()
    {
        await using var h = await StoreHarness.CreateAsync();
        var all = new System.Collections.Concurrent.ConcurrentDictionary<uint, byte[]>();
        foreach (var s in await AppendMixAsync(h, count: 20, seed: 1))
        {
            all[s.Uid] = s.Body;
        }

        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            var seed = 1000;
            while (!stop.IsCancellationRequested)
            {
                var body = StoreHarness.Message(seed % 5 == 0 ? 300_000 : 3_000 + seed, seed);
                var result = await h.AppendAsync(h.InboxId, body, seed % 2 == 0 ? MessageFlags.Deleted : MessageFlags.None);
                all[result.Uid] = body;
                if (seed % 3 == 0)
                {
                    await h.Store.ExpungeAsync(h.InboxId);
                }

                seed++;
            }
        });

        BackupReport report;
        try
        {
            // Let the churn run before and during the backup.
            await Eventually.TrueAsync(() => all.Count > 40);
            report = StoreBackup.Create(h.Path, Dest, null, "test");
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }

        Assert.True(report.Messages > 0);
        var (_, check) = StoreBackup.Restore(Dest, Restored);
        Assert.True(check.Sound, string.Join("; ", check.Problems));

        // Every message in the snapshot is one that was delivered, byte for byte.
        await using var restored = MailStore.Open(new StoreOptions { Path = Restored });
        var inbox = (await restored.GetMailboxAsync((await restored.ListAccountsAsync())[0].Id, "INBOX"))!;
        var count = 0;
        await foreach (var message in restored.EnumerateAsync(inbox.Id))
        {
            Assert.Equal(all[message.Uid], await ReadAsync(restored, message.BodyId));
            count++;
        }

        Assert.Equal(report.Messages, count);
    }

    [Fact]
    public async Task While_a_hold_is_taken_expunged_bodies_stay_readable_and_are_freed_after_it_ends()
    {
        await using var h = await StoreHarness.CreateAsync();
        var large = await h.AppendAsync(h.InboxId, StoreHarness.Message(600_000, 3), MessageFlags.Deleted);
        var bodyFile = Assert.Single(Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml"));

        using (BackupHold.Take(h.Path))
        {
            await h.Store.ExpungeAsync(h.InboxId);
            Assert.True(File.Exists(bodyFile), "the body a snapshot may still refer to was freed under a hold");
        }

        // The next write frees what waited.
        await h.AppendAsync(h.InboxId, "Subject: later\r\n\r\nx\r\n");
        Assert.False(File.Exists(bodyFile));
        Assert.NotEqual(0u, large.Uid);
    }

    [Fact]
    public async Task Check_names_the_message_whose_body_was_damaged_on_disk()
    {
        await using var h = await StoreHarness.CreateAsync();
        await AppendMixAsync(h, count: 5, seed: 1, smallOnly: true);
        var segment = Directory.GetFiles(Path.Combine(h.Path, "bodies"), "seg-*.dat").Single();
        await h.CloseAsync();

        // One byte of the third message flipped, as a failing card would.
        var bytes = await File.ReadAllBytesAsync(segment);
        var third = 2 * StoreHarness.Message(2_000, 1).Length;
        bytes[third + 500] ^= 0x20;
        await File.WriteAllBytesAsync(segment, bytes);

        var check = StoreCheck.Run(h.Path, recordHashes: false);
        var problem = Assert.Single(check.Problems);
        Assert.Contains("alice@example.org mailbox INBOX UID 3", problem, StringComparison.Ordinal);
        Assert.Contains("damaged", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_hashes_bodies_stored_before_hashes_were_kept_once_and_then_verifies_them()
    {
        await using var h = await StoreHarness.CreateAsync();
        await AppendMixAsync(h, count: 4, seed: 1);
        await h.CloseAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE bodies SET sha256 = NULL";
            Assert.Equal(4, command.ExecuteNonQuery());
        }

        var looked = StoreCheck.Run(h.Path, recordHashes: false);
        Assert.Equal(4, looked.Unhashed);
        var first = StoreCheck.Run(h.Path, recordHashes: true);
        Assert.Equal(4, first.HashesRecorded);
        var second = StoreCheck.Run(h.Path, recordHashes: true);
        Assert.Equal(0, second.HashesRecorded);
        Assert.Equal(0, second.Unhashed);
        Assert.True(second.Sound);
    }

    [Fact]
    public async Task A_missing_body_file_is_a_problem_and_a_stray_file_is_reported_as_unreferenced()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.AppendAsync(h.InboxId, StoreHarness.Message(700_000, 5));
        await h.CloseAsync();
        var file = Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml").Single();
        File.Move(file, Path.Combine(h.Path, "bodies", "b-stray.eml"));

        var check = StoreCheck.Run(h.Path, recordHashes: false);
        Assert.Contains("missing", Assert.Single(check.Problems), StringComparison.Ordinal);
        Assert.Equal(["b-stray.eml"], check.Orphans);
    }

    [Fact]
    public async Task Restore_refuses_a_folder_that_is_not_empty_and_backup_refuses_a_folder_that_is_not_a_backup()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.AppendAsync(h.InboxId, "Subject: x\r\n\r\nx\r\n");
        StoreBackup.Create(h.Path, Dest, null, "test");
        Directory.CreateDirectory(Restored);
        await File.WriteAllTextAsync(Path.Combine(Restored, "something"), "x");

        Assert.Equal(StoreError.NotAllowed, Assert.Throws<StoreException>(() => StoreBackup.Restore(Dest, Restored)).Error);
        Assert.Equal(StoreError.NotAllowed, Assert.Throws<StoreException>(() => StoreBackup.Create(h.Path, Restored, null, "test")).Error);
        Assert.Equal(StoreError.NotAllowed, Assert.Throws<StoreException>(() => StoreBackup.Create(h.Path, Path.Combine(h.Path, "inside"), null, "test")).Error);
    }

    private sealed record Sent(uint Uid, byte[] Body, MessageFlags Flags);

    private static async Task<List<Sent>> AppendMixAsync(StoreHarness h, int count, int seed, bool smallOnly = false)
    {
        var sent = new List<Sent>();
        for (var i = 0; i < count; i++)
        {
            var size = !smallOnly && i % 4 == 1 ? 400_000 + i : 2_000;
            var body = StoreHarness.Message(size, seed + i);
            var flags = i % 3 == 0 ? MessageFlags.Seen | MessageFlags.Flagged : MessageFlags.None;
            var result = await h.AppendAsync(h.InboxId, body, flags);
            sent.Add(new Sent(result.Uid, body, flags));
        }

        return sent;
    }

    private static async Task AssertSameMailAsync(List<Sent> sent, string dataPath)
    {
        await using var restored = MailStore.Open(new StoreOptions { Path = dataPath });
        var account = Assert.Single(await restored.ListAccountsAsync());
        var inbox = (await restored.GetMailboxAsync(account.Id, "INBOX"))!;
        var found = new List<MessageRecord>();
        await foreach (var message in restored.EnumerateAsync(inbox.Id))
        {
            found.Add(message);
        }

        Assert.Equal(sent.Select(s => s.Uid).Order(), found.Select(m => m.Uid));
        foreach (var message in found)
        {
            var expected = sent.Single(s => s.Uid == message.Uid);
            Assert.Equal(expected.Flags, message.Flags);
            Assert.Equal(expected.Body, await ReadAsync(restored, message.BodyId));
        }
    }

    private static async Task<byte[]> ReadAsync(MailStore store, long bodyId)
    {
        await using var stream = await store.OpenBodyAsync(bodyId);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
