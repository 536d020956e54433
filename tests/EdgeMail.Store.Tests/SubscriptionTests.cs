using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Tests;

// Subscriptions are kept by name (RFC 9051 §6.3.7): one outlives the delete of its mailbox (RFC 3501 §6.3.9) until it is
// removed, and follows a rename.
public sealed class SubscriptionTests
{
    [Fact]
    public async Task A_subscription_outlives_its_deleted_mailbox_until_unsubscribed_and_returns_with_the_name()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.CreateMailboxAsync(h.AccountId, "Lists/dev");
        await h.Store.SetSubscribedAsync(h.AccountId, "Lists/dev", true);
        await h.Store.DeleteMailboxAsync(h.AccountId, "Lists/dev");

        Assert.Contains("Lists/dev", await h.Store.ListSubscriptionsAsync(h.AccountId));
        await h.Store.CreateMailboxAsync(h.AccountId, "Lists/dev");
        Assert.True((await h.Store.GetMailboxAsync(h.AccountId, "Lists/dev"))!.Subscribed);

        await h.Store.DeleteMailboxAsync(h.AccountId, "Lists/dev");
        await h.Store.SetSubscribedAsync(h.AccountId, "Lists/dev", false);
        Assert.DoesNotContain("Lists/dev", await h.Store.ListSubscriptionsAsync(h.AccountId));
        var missing = await Assert.ThrowsAsync<StoreException>(() => h.Store.SetSubscribedAsync(h.AccountId, "Lists/dev", false));
        Assert.Equal(StoreError.NotFound, missing.Error);
    }

    [Fact]
    public async Task Rename_moves_the_subscriptions_of_the_mailbox_and_its_children()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.CreateMailboxAsync(h.AccountId, "Old/kid");
        await h.Store.SetSubscribedAsync(h.AccountId, "Old", true);
        await h.Store.SetSubscribedAsync(h.AccountId, "Old/kid", true);
        await h.Store.RenameMailboxAsync(h.AccountId, "Old", "New");

        var names = await h.Store.ListSubscriptionsAsync(h.AccountId);
        Assert.Contains("New", names);
        Assert.Contains("New/kid", names);
        Assert.DoesNotContain(names, n => n.StartsWith("Old", StringComparison.Ordinal));
        Assert.True((await h.Store.GetMailboxAsync(h.AccountId, "New/kid"))!.Subscribed);
    }

    [Fact]
    public async Task A_data_folder_of_schema_2_keeps_its_subscriptions()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.CreateMailboxAsync(h.AccountId, "Kept");
        await h.CloseAsync();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            // Schema 2 kept the subscription in mailboxes.subscribed.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DELETE FROM subscriptions;
                ALTER TABLE mailboxes DROP COLUMN recent_uid;
                ALTER TABLE accounts DROP COLUMN admin;
                ALTER TABLE app_passwords DROP COLUMN last_from;
                UPDATE mailboxes SET subscribed = (name IN ('INBOX', 'Kept'));
                UPDATE meta SET value = '2' WHERE key = 'schema';
                """;
            command.ExecuteNonQuery();
        }

        await h.ReopenAsync();
        Assert.Equal(["INBOX", "Kept"], await h.Store.ListSubscriptionsAsync(h.AccountId));
        Assert.False((await h.Store.GetMailboxAsync(h.AccountId, "Sent"))!.Subscribed);
    }
}
