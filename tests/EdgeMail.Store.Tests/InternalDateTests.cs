using EdgeMail.Store.Messages;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Tests;

// INTERNALDATE keeps the instant and the time zone it was given in (RFC 9051 §2.3.3, APPEND date-time §6.3.12).
public sealed class InternalDateTests
{
    private static readonly DateTimeOffset EveningInNewYork = new(2026, 1, 1, 23, 30, 0, TimeSpan.FromHours(-5));

    [Fact]
    public async Task Append_keeps_the_time_zone_of_the_internal_date_and_copy_carries_it()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(StoreHarness.Message(500)), MessageFlags.None, null, EveningInNewYork));
        var archive = (await h.Store.GetMailboxAsync(h.AccountId, "Archive"))!.Id;
        await h.Store.CopyAsync(h.InboxId, [1u], archive);
        await h.ReopenAsync();

        foreach (var mailbox in new[] { h.InboxId, archive })
        {
            var message = await h.Store.EnumerateAsync(mailbox).SingleAsync();
            Assert.Equal(EveningInNewYork, message.InternalDate);
            Assert.Equal(TimeSpan.FromHours(-5), message.InternalDate.Offset);
            // SEARCH ON compares the date "disregarding time and timezone" (RFC 9051 §6.4.4): that is 1 January here.
            Assert.Equal(new DateOnly(2026, 1, 1), DateOnly.FromDateTime(message.InternalDate.DateTime));
        }
    }

    [Fact]
    public async Task A_data_folder_of_schema_1_is_upgraded_and_its_messages_read_in_UTC()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(StoreHarness.Message(500)), MessageFlags.None, null, EveningInNewYork));
        await h.CloseAsync();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            // What a data folder written before the column existed looks like.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE messages DROP COLUMN internal_offset; ALTER TABLE mailboxes DROP COLUMN recent_uid; ALTER TABLE accounts DROP COLUMN admin; ALTER TABLE app_passwords DROP COLUMN last_from; UPDATE meta SET value = '1' WHERE key = 'schema';";
            command.ExecuteNonQuery();
        }

        await h.ReopenAsync();
        var old = await h.Store.EnumerateAsync(h.InboxId).SingleAsync();
        Assert.Equal(EveningInNewYork, old.InternalDate);
        Assert.Equal(TimeSpan.Zero, old.InternalDate.Offset);

        await h.Store.AppendAsync(h.InboxId, new AppendRequest(new MemoryStream(StoreHarness.Message(600)), MessageFlags.None, null, EveningInNewYork));
        var added = await h.Store.EnumerateAsync(h.InboxId, 2).SingleAsync();
        Assert.Equal(TimeSpan.FromHours(-5), added.InternalDate.Offset);
    }
}
