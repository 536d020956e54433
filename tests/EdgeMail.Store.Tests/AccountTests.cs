using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests;

public sealed class AccountTests
{
    private static ScramCredential Secret(byte fill) =>
        new(Enumerable.Repeat(fill, 16).ToArray(), 4096, Enumerable.Repeat((byte)(fill + 1), 32).ToArray(), Enumerable.Repeat((byte)(fill + 2), 32).ToArray());

    [Fact]
    public async Task Credentials_round_trip_and_address_lookup_is_case_insensitive()
    {
        await using var h = await StoreHarness.CreateAsync();
        var secret = Secret(7);
        var account = await h.Store.CreateAccountAsync("Carol@Example.ORG", secret);

        Assert.Equal("carol@example.org", account.Address);
        var credentials = (await h.Store.GetCredentialsAsync("CAROL@example.org"))!;
        Assert.Equal(account.Id, credentials.Account.Id);
        Assert.Equal(secret.Salt, credentials.Password.Salt);
        Assert.Equal(secret.Iterations, credentials.Password.Iterations);
        Assert.Equal(secret.StoredKey, credentials.Password.StoredKey);
        Assert.Equal(secret.ServerKey, credentials.Password.ServerKey);
        Assert.Empty(credentials.AppPasswords);
        Assert.Null(await h.Store.GetCredentialsAsync("nobody@example.org"));
    }

    [Fact]
    public async Task SetPassword_replaces_the_stored_secret()
    {
        await using var h = await StoreHarness.CreateAsync();
        var replacement = Secret(40);

        await h.Store.SetPasswordAsync(h.AccountId, replacement);

        var credentials = (await h.Store.GetCredentialsAsync("alice@example.org"))!;
        Assert.Equal(replacement.StoredKey, credentials.Password.StoredKey);
        Assert.Equal(replacement.Salt, credentials.Password.Salt);
        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.SetPasswordAsync(h.AccountId + 1000, replacement));
        Assert.Equal(StoreError.NotFound, ex.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-at-sign")]
    [InlineData("@example.org")]
    [InlineData("a@")]
    [InlineData("../evil@example.org")]
    [InlineData("alice@../../etc")]
    [InlineData("x@dom/../..")]
    [InlineData("a..b@example.org")]
    [InlineData("alice.@example.org")]
    [InlineData("alice@example..org")]
    [InlineData("alice@-example.org")]
    [InlineData("alice@exa_mple.org")]
    [InlineData("alice@example.org.")]
    public async Task CreateAccount_with_an_invalid_address_is_refused(string address)
    {
        await using var h = await StoreHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.CreateAccountAsync(address, Secret(1)));
        Assert.Equal(StoreError.InvalidAddress, ex.Error);
    }

    [Theory]
    [InlineData("bob@example.org")]
    [InlineData("first.last+tag@mail.example.org")]
    [InlineData("o'brien@example.org")]
    [InlineData("jörg@bücher.example")]
    [InlineData("a-b@x-1.example")]
    public async Task CreateAccount_takes_the_addresses_RFC_5321_and_6531_allow(string address)
    {
        await using var h = await StoreHarness.CreateAsync();

        var account = await h.Store.CreateAccountAsync(address, Secret(1));

        Assert.Equal(address.ToLowerInvariant(), account.Address);
    }

    [Fact]
    public async Task App_passwords_can_be_added_listed_used_for_login_and_revoked()
    {
        await using var h = await StoreHarness.CreateAsync();
        var phone = await h.Store.AddAppPasswordAsync(h.AccountId, "phone", Secret(10));
        await h.Store.AddAppPasswordAsync(h.AccountId, "laptop", Secret(20));

        Assert.Equal(["laptop", "phone"], (await h.Store.ListAppPasswordsAsync(h.AccountId)).Select(p => p.Name));
        var credentials = (await h.Store.GetCredentialsAsync("alice@example.org"))!;
        Assert.Equal(2, credentials.AppPasswords.Count);
        Assert.Equal(Secret(10).StoredKey, credentials.AppPasswords.Single(p => p.Id == phone.Id).Secret.StoredKey);

        var duplicate = await Assert.ThrowsAsync<StoreException>(() => h.Store.AddAppPasswordAsync(h.AccountId, "phone", Secret(30)));
        Assert.Equal(StoreError.AlreadyExists, duplicate.Error);

        Assert.True(await h.Store.AppPasswordExistsAsync(phone.Id));
        Assert.Equal(phone.Id, await h.Store.RevokeAppPasswordAsync(h.AccountId, "phone"));
        Assert.Null(await h.Store.RevokeAppPasswordAsync(h.AccountId, "phone"));
        Assert.False(await h.Store.AppPasswordExistsAsync(phone.Id));
        Assert.Equal(["laptop"], (await h.Store.ListAppPasswordsAsync(h.AccountId)).Select(p => p.Name));
    }

    [Fact]
    public async Task Touching_an_app_password_records_when_and_from_where()
    {
        var time = new ManualTimeProvider();
        await using var h = await StoreHarness.CreateAsync(time: time);
        var phone = await h.Store.AddAppPasswordAsync(h.AccountId, "phone", Secret(10));
        Assert.Null(phone.LastUsedFrom);

        time.Advance(TimeSpan.FromMinutes(5));
        await h.Store.TouchAppPasswordAsync(phone.Id, "192.0.2.7");

        var listed = Assert.Single(await h.Store.ListAppPasswordsAsync(h.AccountId));
        Assert.Equal(time.GetUtcNow(), listed.LastUsed);
        Assert.Equal("192.0.2.7", listed.LastUsedFrom);
        var credential = Assert.Single((await h.Store.GetCredentialsAsync("alice@example.org"))!.AppPasswords);
        Assert.Equal("192.0.2.7", credential.LastUsedFrom);
    }

    [Fact]
    public async Task The_first_account_is_the_admin_and_CreateFirstAccount_makes_no_second_one()
    {
        await using var h = await StoreHarness.CreateAsync();
        Assert.True((await h.Store.FindAccountAsync("alice@example.org"))!.IsAdmin);
        var bob = await h.Store.CreateAccountAsync("bob@example.org", Secret(3));
        Assert.False(bob.IsAdmin);
        Assert.False((await h.Store.FindAccountAsync("bob@example.org"))!.IsAdmin);

        Assert.Null(await h.Store.CreateFirstAccountAsync("carol@example.org", Secret(4)));
        Assert.Null(await h.Store.FindAccountAsync("carol@example.org"));
    }

    [Fact]
    public async Task CreateFirstAccount_on_an_empty_store_makes_the_admin()
    {
        await using var h = await StoreHarness.CreateAsync();
        Assert.True(await h.Store.DeleteAccountAsync("alice@example.org"));

        var first = await h.Store.CreateFirstAccountAsync("Carol@example.org", Secret(4));
        Assert.NotNull(first);
        Assert.True(first.IsAdmin);
        Assert.Equal("carol@example.org", first.Address);
        Assert.True(Assert.Single(await h.Store.ListAccountsAsync()).IsAdmin);
        Assert.NotNull(await h.Store.GetMailboxAsync(first.Id, "INBOX"));
    }

    [Fact]
    public async Task A_data_folder_of_schema_3_makes_its_oldest_account_the_admin()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bob = await h.Store.CreateAccountAsync("bob@example.org", Secret(3));
        await h.Store.AddAppPasswordAsync(bob.Id, "phone", Secret(10));
        await h.CloseAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={System.IO.Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE accounts DROP COLUMN admin; ALTER TABLE app_passwords DROP COLUMN last_from; UPDATE meta SET value = '3' WHERE key = 'schema';";
            command.ExecuteNonQuery();
        }

        await h.ReopenAsync();
        Assert.Equal([("alice@example.org", true), ("bob@example.org", false)], (await h.Store.ListAccountsAsync()).Select(a => (a.Address, a.IsAdmin)));
        Assert.Null(Assert.Single(await h.Store.ListAppPasswordsAsync(bob.Id)).LastUsedFrom);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public async Task App_password_with_an_invalid_name_is_refused(string name)
    {
        await using var h = await StoreHarness.CreateAsync();

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.AddAppPasswordAsync(h.AccountId, name, Secret(1)));
        Assert.Equal(StoreError.InvalidName, ex.Error);
    }

    [Fact]
    public async Task DeleteAccount_removes_its_mailboxes_messages_and_body_files_but_not_other_accounts()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bob = await h.Store.CreateAccountAsync("bob@example.org", Secret(3));
        var bobInbox = (await h.Store.GetMailboxAsync(bob.Id, "INBOX"))!;
        var aliceBody = StoreHarness.Message(2000, 1);
        await h.AppendAsync(h.InboxId, aliceBody);
        var bobMessage = await h.AppendAsync(bobInbox.Id, StoreHarness.Message(1024 * 1024, 2));
        var bobBodyId = (await h.Store.GetMessageAsync(bobInbox.Id, bobMessage.Uid))!.BodyId;
        Assert.Single(Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml"));

        Assert.True(await h.Store.DeleteAccountAsync("BOB@example.org"));

        Assert.Null(await h.Store.FindAccountAsync("bob@example.org"));
        Assert.Empty(await h.Store.ListMailboxesAsync(bob.Id));
        await Eventually.TrueAsync(() => Directory.GetFiles(Path.Combine(h.Path, "bodies"), "b-*.eml").Length == 0, "the body file to be removed", TimeSpan.FromSeconds(5));
        var gone = await Assert.ThrowsAsync<StoreException>(() => h.Store.OpenBodyAsync(bobBodyId));
        Assert.Equal(StoreError.NotFound, gone.Error);
        Assert.False(await h.Store.DeleteAccountAsync("bob@example.org"));

        var alice = Assert.Single(await h.ListAsync(h.InboxId));
        Assert.Equal(aliceBody, await h.ReadBodyAsync(alice.BodyId));
        Assert.Equal(["alice@example.org"], (await h.Store.ListAccountsAsync()).Select(a => a.Address));
    }
}
