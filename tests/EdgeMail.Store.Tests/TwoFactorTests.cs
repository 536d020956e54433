using System.Security.Cryptography;
using System.Text;
using EdgeMail.Store.Secrets;

namespace EdgeMail.Store.Tests;

public sealed class TwoFactorTests
{
    private static byte[] Hash(string code) => SHA256.HashData(Encoding.ASCII.GetBytes(code));

    [Fact]
    public async Task The_secret_is_not_in_the_database_files_in_the_clear()
    {
        await using var h = await StoreHarness.CreateAsync();
        var secret = Encoding.ASCII.GetBytes("TOTPSECRET-0123456789");
        await h.Store.BeginTotpAsync(h.AccountId, secret);
        Assert.Equal(secret, (await h.Store.GetTotpAsync(h.AccountId))!.Secret);
        await h.CloseAsync();

        // Neither the raw bytes nor the base32 an app would be given are in any of the files (WAL included).
        var base32 = "KRHVIUCTIVBVERKUFUYDCMRTGQ2TMNZYHE";
        foreach (var file in Directory.GetFiles(h.Path, "edgemail.db*"))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Equal(-1, bytes.AsSpan().IndexOf(secret));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(base32)));
        }

        await h.ReopenAsync();
        Assert.Equal(secret, (await h.Store.GetTotpAsync(h.AccountId))!.Secret);
    }

    [Fact]
    public async Task Pending_then_enabled_with_recovery_codes_then_steps_and_codes_are_used_once()
    {
        await using var h = await StoreHarness.CreateAsync();
        Assert.Null(await h.Store.GetTotpAsync(h.AccountId));
        await h.Store.BeginTotpAsync(h.AccountId, [1, 2, 3]);
        var pending = (await h.Store.GetTotpAsync(h.AccountId))!;
        Assert.False(pending.Enabled);
        Assert.False(await h.Store.IsTotpEnabledAsync(h.AccountId));
        Assert.False(await h.Store.AcceptTotpStepAsync(h.AccountId, 10)); // not on yet

        Assert.True(await h.Store.EnableTotpAsync(h.AccountId, pending, 100, [Hash("a"), Hash("b")]));
        Assert.False(await h.Store.EnableTotpAsync(h.AccountId, pending, 100, [])); // once
        var on = (await h.Store.GetTotpAsync(h.AccountId))!;
        Assert.Equal((true, 100L, 2), (on.Enabled, on.LastStep, on.RecoveryCodesLeft));

        Assert.False(await h.Store.AcceptTotpStepAsync(h.AccountId, 100));
        Assert.True(await h.Store.AcceptTotpStepAsync(h.AccountId, 101));
        Assert.False(await h.Store.AcceptTotpStepAsync(h.AccountId, 99));

        Assert.Equal(1, await h.Store.UseRecoveryCodeAsync(h.AccountId, Hash("a")));
        Assert.Null(await h.Store.UseRecoveryCodeAsync(h.AccountId, Hash("a")));
        Assert.Equal(0, await h.Store.UseRecoveryCodeAsync(h.AccountId, Hash("b")));

        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.BeginTotpAsync(h.AccountId, [4]));
        Assert.Equal(StoreError.AlreadyExists, ex.Error);
        Assert.True(await h.Store.DeleteTotpAsync(h.AccountId));
        Assert.False(await h.Store.DeleteTotpAsync(h.AccountId));
    }

    [Fact]
    public async Task A_begin_in_between_keeps_the_older_enrolment_from_being_enabled()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.Store.BeginTotpAsync(h.AccountId, [1]);
        var first = (await h.Store.GetTotpAsync(h.AccountId))!;
        await h.Store.BeginTotpAsync(h.AccountId, [2]);

        Assert.False(await h.Store.EnableTotpAsync(h.AccountId, first, 5, []));
        Assert.Equal([2], (await h.Store.GetTotpAsync(h.AccountId))!.Secret);
    }

    [Fact]
    public async Task Deleting_the_account_deletes_its_totp_and_recovery_codes()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bob = await h.Store.CreateAccountAsync("bob@example.org", StoreHarness.DummyCredential());
        foreach (var id in new[] { h.AccountId, bob.Id })
        {
            await h.Store.BeginTotpAsync(id, [9]);
            Assert.True(await h.Store.EnableTotpAsync(id, (await h.Store.GetTotpAsync(id))!, 1, [Hash("x" + id)]));
        }

        Assert.True(await h.Store.DeleteAccountAsync("bob@example.org"));
        await using (var connection = h.Store.OpenReader())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT (SELECT COUNT(*) FROM totp WHERE account_id = $b), (SELECT COUNT(*) FROM totp_recovery WHERE account_id = $b), (SELECT COUNT(*) FROM totp)";
            command.Parameters.AddWithValue("$b", bob.Id);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal((0L, 0L, 1L), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        Assert.True(await h.Store.IsTotpEnabledAsync(h.AccountId));
    }

    [Fact]
    public async Task Begin_for_a_missing_account_is_not_found()
    {
        await using var h = await StoreHarness.CreateAsync();
        var ex = await Assert.ThrowsAsync<StoreException>(() => h.Store.BeginTotpAsync(999, [1]));
        Assert.Equal(StoreError.NotFound, ex.Error);
    }

    [Fact]
    public async Task A_data_folder_of_schema_4_opens_with_the_two_factor_tables_and_its_accounts_untouched()
    {
        await using var h = await StoreHarness.CreateAsync();
        await h.CloseAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(h.Path, "edgemail.db")};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE totp; DROP TABLE totp_recovery; UPDATE meta SET value = '4' WHERE key = 'schema';";
            command.ExecuteNonQuery();
        }

        await h.ReopenAsync();
        Assert.True(Assert.Single(await h.Store.ListAccountsAsync()).IsAdmin);
        await using (var connection = h.Store.OpenReader())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
            Assert.Equal(EdgeMail.Store.Data.Database.SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), await command.ExecuteScalarAsync());
        }

        await h.Store.BeginTotpAsync(h.AccountId, [1, 2]);
        Assert.False((await h.Store.GetTotpAsync(h.AccountId))!.Enabled);
        Assert.True(File.Exists(Path.Combine(h.Path, SecretBox.KeyFileName)));
    }

    [Fact]
    public async Task The_admin_is_the_flagged_account_or_else_the_oldest()
    {
        await using var h = await StoreHarness.CreateAsync();
        var bob = await h.Store.CreateAccountAsync("bob@example.org", StoreHarness.DummyCredential());
        await h.Store.CreateAccountAsync("carol@example.org", StoreHarness.DummyCredential());
        Assert.Equal(h.AccountId, (await h.Store.FindAdminAccountAsync())!.Id);

        await h.Store.DeleteAccountAsync("alice@example.org");
        Assert.Equal(bob.Id, (await h.Store.FindAdminAccountAsync())!.Id);
    }
}
