using System.Text;
using EdgeMail.Store.Fetch;
using EdgeMail.Store.Queue;

namespace EdgeMail.Store.Tests.Fetch;

/// <summary>The store's side of fetch accounts: the remote identity committed with the copy, once; the password sealed; the upgrade from schema 6.</summary>
public sealed class FetchStoreTests
{
    [Fact]
    public async Task A_remote_identity_is_committed_with_its_copy_and_a_second_delivery_of_it_is_refused()
    {
        await using var h = await StoreHarness.CreateAsync();
        var account = await h.Store.AddFetchAccountAsync(Spec(h.Store));
        var origin = new FetchOrigin(account.Id, "INBOX", 77, "12", "<a@example.org>", 300, DateTimeOffset.UnixEpoch, RemoteActionPending: true);

        var first = await h.Store.DeliverAsync(new DeliveryRequest(Body("one"), [h.InboxId], Fetched: origin));
        Assert.Single(first.Appended);
        var again = await Assert.ThrowsAsync<StoreException>(() => h.Store.DeliverAsync(new DeliveryRequest(Body("one"), [h.InboxId], Fetched: origin)));
        Assert.Equal(StoreError.AlreadyExists, again.Error);

        // Two at once, in one group commit: one is stored.
        var twin = origin with { Key = "13" };
        var both = await Task.WhenAll(
            Attempt(h.Store.DeliverAsync(new DeliveryRequest(Body("two"), [h.InboxId], Fetched: twin))),
            Attempt(h.Store.DeliverAsync(new DeliveryRequest(Body("two"), [h.InboxId], Fetched: twin))));
        Assert.Single(both, stored => stored);

        Assert.Equal(2, await h.Store.EnumerateAsync(h.InboxId).CountAsync());
        var seen = await h.Store.GetFetchSeenAsync(account.Id, "INBOX");
        Assert.Equal(["12", "13"], seen.Select(s => s.Key).Order());
        Assert.All(seen, s => Assert.True(s.RemoteActionPending));
        Assert.Equal(2, (await h.Store.FindFetchAccountAsync("isp"))!.State.Fetched);

        await h.Store.CompleteFetchRemoteActionAsync(account.Id, "INBOX", 77, ["12"]);
        await h.Store.ForgetFetchSeenAsync(account.Id, "INBOX", 77, ["13"]);
        Assert.False(Assert.Single(await h.Store.GetFetchSeenAsync(account.Id, "INBOX")).RemoteActionPending);
    }

    [Fact]
    public async Task The_password_is_sealed_and_opens_only_for_its_own_row()
    {
        await using var h = await StoreHarness.CreateAsync();
        var account = await h.Store.AddFetchAccountAsync(Spec(h.Store));
        Assert.Equal("remote password 3", await h.Store.GetFetchPasswordAsync(account.Id));
        var other = await h.Store.AddFetchAccountAsync(Spec(h.Store) with { Name = "other", Password = "another one 4" });
        await h.CloseAsync();

        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE fetch_accounts SET password = (SELECT password FROM fetch_accounts WHERE id = {account.Id}) WHERE id = {other.Id}";
            command.ExecuteNonQuery();
        }

        foreach (var file in Directory.GetFiles(h.Path, "edgemail.db*"))
        {
            Assert.Equal(-1, (await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(Encoding.UTF8.GetBytes("remote password 3")));
        }

        await h.ReopenAsync();
        await Assert.ThrowsAsync<StoreException>(() => h.Store.GetFetchPasswordAsync(other.Id));
    }

    [Fact]
    public async Task A_data_folder_of_schema_6_opens_with_the_fetch_tables()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.CloseAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE fetch_seen; DROP TABLE fetch_accounts; UPDATE meta SET value = '6' WHERE key = 'schema';";
            command.ExecuteNonQuery();
        }

        await h.ReopenAsync();
        var account = await h.Store.AddFetchAccountAsync(Spec(h.Store));
        Assert.Equal("isp", Assert.Single(await h.Store.ListFetchAccountsAsync()).Name);
        Assert.Equal(account.Id, (await h.Store.FindFetchAccountAsync("isp"))!.Id);
    }

    [Fact]
    public async Task Removing_the_local_account_removes_its_fetch_accounts()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.AddFetchAccountAsync(Spec(h.Store));
        await h.Store.DeleteAccountAsync("alice@example.org");
        Assert.Empty(await h.Store.ListFetchAccountsAsync());
    }

    private static FetchAccountSpec Spec(MailStore store) => new(
        "isp", FetchProtocol.Imap, "imap.example.net", 993, FetchSecurity.Tls, "ann", "remote password 3", "alice@example.org", "INBOX",
        TimeSpan.FromMinutes(5), ["INBOX"], FetchRemoteAction.Delete, null, false);

    private static MemoryStream Body(string text) => new(Encoding.UTF8.GetBytes($"Subject: {text}\r\n\r\n{text}\r\n"));

    private static async Task<bool> Attempt(Task<DeliveryResult> delivery)
    {
        try
        {
            await delivery;
            return true;
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return false;
        }
    }
}
