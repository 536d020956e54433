using EdgeMail.Store.Accounts;
using EdgeMail.Store.Data;
using EdgeMail.Store.Mailboxes;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    /// <summary>The mailboxes every new account gets, with their special-use attributes (RFC 6154 §2).</summary>
    public static readonly IReadOnlyList<(string Name, SpecialUse Use)> DefaultMailboxes =
    [
        (MailboxName.Inbox, SpecialUse.None),
        ("Drafts", SpecialUse.Drafts),
        ("Sent", SpecialUse.Sent),
        ("Trash", SpecialUse.Trash),
        ("Junk", SpecialUse.Junk),
        ("Archive", SpecialUse.Archive),
    ];

    /// <summary>Creates an account with its default mailboxes; the first account of the box is its admin.</summary>
    public async Task<Account> CreateAccountAsync(string address, ScramCredential password, CancellationToken cancellationToken = default) =>
        (await CreateAccountCoreAsync(address, password, onlyIfFirst: false).ConfigureAwait(false))!;

    /// <summary>
    /// Creates the box's first account, its admin, in the same transaction as the check that there is none yet (so two
    /// pairing requests at once cannot both make one); null when the box already has an account.
    /// </summary>
    public Task<Account?> CreateFirstAccountAsync(string address, ScramCredential password, CancellationToken cancellationToken = default) =>
        CreateAccountCoreAsync(address, password, onlyIfFirst: true);

    private Task<Account?> CreateAccountCoreAsync(string address, ScramCredential password, bool onlyIfFirst)
    {
        if (!AddressRules.IsValid(address, out var error))
        {
            throw new StoreException(StoreError.InvalidAddress, error!);
        }

        var normalized = AddressRules.Normalize(address);
        return _writes.Enqueue(new WriteOp<Account?>((tx, _) =>
        {
            var any = tx.Command("SELECT EXISTS(SELECT 1 FROM accounts)").ExecuteScalar() is long and not 0;
            if (any && onlyIfFirst)
            {
                return null;
            }

            var now = NowUnixMs();
            var insert = tx.Command("""
                INSERT INTO accounts(address, created, salt, iterations, stored_key, server_key, admin)
                VALUES($a, $c, $s, $i, $sk, $vk, $admin) ON CONFLICT(address) DO NOTHING RETURNING id
                """);
            insert.Parameters.AddWithValue("$a", normalized);
            insert.Parameters.AddWithValue("$c", now);
            insert.Parameters.AddWithValue("$admin", any ? 0 : 1);
            AddSecret(insert, password);
            var id = insert.ExecuteScalar() is long value ? value : throw new StoreException(StoreError.AlreadyExists, $"the account {normalized} already exists");
            foreach (var (name, use) in DefaultMailboxes)
            {
                InsertMailbox(tx, id, name, use, subscribed: true);
            }

            return new Account(id, normalized, DateTimeOffset.FromUnixTimeMilliseconds(now), IsAdmin: !any);
        }));
    }

    public async Task<Account?> FindAccountAsync(string address, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, address, created, admin FROM accounts WHERE address = $a";
        command.Parameters.AddWithValue("$a", AddressRules.Normalize(address));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadAccount(reader) : null;
    }

    /// <summary>
    /// The box's admin: the account flagged admin (the first one made), or, when none is (the admin account was
    /// removed), the oldest remaining account, so that a box always has one; null on a box without accounts.
    /// </summary>
    public async Task<Account?> FindAdminAccountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, address, created, admin FROM accounts ORDER BY admin DESC, id LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadAccount(reader) : null;
    }

    public async Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, address, created, admin FROM accounts ORDER BY address";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Account>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadAccount(reader));
        }

        return list;
    }

    /// <summary>Removes an account with all its mailboxes and messages; false if there was none.</summary>
    public Task<bool> DeleteAccountAsync(string address, CancellationToken cancellationToken = default)
    {
        var normalized = AddressRules.Normalize(address);
        return _writes.Enqueue(new WriteOp<bool>((tx, op) =>
        {
            var find = tx.Command("SELECT id FROM accounts WHERE address = $a");
            find.Parameters.AddWithValue("$a", normalized);
            if (find.ExecuteScalar() is not long id)
            {
                return false;
            }

            var bodies = tx.Command("SELECT DISTINCT m.body_id FROM messages m JOIN mailboxes b ON b.id = m.mailbox_id WHERE b.account_id = $id");
            bodies.Parameters.AddWithValue("$id", id);
            var bodyIds = new List<long>();
            using (var reader = bodies.ExecuteReader())
            {
                while (reader.Read())
                {
                    bodyIds.Add(reader.GetInt64(0));
                }
            }

            var delete = tx.Command("DELETE FROM accounts WHERE id = $id");
            delete.Parameters.AddWithValue("$id", id);
            delete.ExecuteNonQuery();
            CollectDeadBodies(tx, op, bodyIds);
            return true;
        }));
    }

    public Task SetPasswordAsync(long accountId, ScramCredential password, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command("UPDATE accounts SET salt=$s, iterations=$i, stored_key=$sk, server_key=$vk WHERE id=$id");
            update.Parameters.AddWithValue("$id", accountId);
            AddSecret(update, password);
            return update.ExecuteNonQuery() == 1 ? true : throw new StoreException(StoreError.NotFound, "no such account");
        }));

    /// <summary>The main secret and every app password's secret of an account, for a login; null if no such account.</summary>
    public async Task<AccountCredentials?> GetCredentialsAsync(string address, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, address, created, admin, salt, iterations, stored_key, server_key FROM accounts WHERE address = $a;
            SELECT p.id, p.name, p.salt, p.iterations, p.stored_key, p.server_key, p.last_used, p.last_from FROM app_passwords p JOIN accounts a ON a.id = p.account_id WHERE a.address = $a ORDER BY p.id;
            """;
        command.Parameters.AddWithValue("$a", AddressRules.Normalize(address));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var account = ReadAccount(reader);
        var secret = ReadSecret(reader, 4);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var apps = new List<AppPasswordCredential>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var lastUsed = reader.IsDBNull(6) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6));
            apps.Add(new AppPasswordCredential(reader.GetInt64(0), reader.GetString(1), ReadSecret(reader, 2), lastUsed, reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return new AccountCredentials(account, secret, apps);
    }

    public Task<AppPassword> AddAppPasswordAsync(long accountId, string name, ScramCredential secret, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(char.IsControl))
        {
            throw new StoreException(StoreError.InvalidName, "an app password name is 1 to 64 printable characters");
        }

        return _writes.Enqueue(new WriteOp<AppPassword>((tx, _) =>
        {
            var now = NowUnixMs();
            var insert = tx.Command("""
                INSERT INTO app_passwords(account_id, name, created, salt, iterations, stored_key, server_key)
                VALUES($id, $n, $c, $s, $i, $sk, $vk) ON CONFLICT(account_id, name) DO NOTHING RETURNING id
                """);
            insert.Parameters.AddWithValue("$id", accountId);
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$c", now);
            AddSecret(insert, secret);
            var id = insert.ExecuteScalar() is long value ? value : throw new StoreException(StoreError.AlreadyExists, $"an app password named {name} already exists");
            return new AppPassword(id, accountId, name, DateTimeOffset.FromUnixTimeMilliseconds(now), null);
        }));
    }

    public async Task<IReadOnlyList<AppPassword>> ListAppPasswordsAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, account_id, name, created, last_used, last_from FROM app_passwords WHERE account_id = $id ORDER BY name";
        command.Parameters.AddWithValue("$id", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AppPassword>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new AppPassword(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return list;
    }

    /// <summary>Deletes an app password; its id (for ending the sessions it opened), or null if there was none of that name.</summary>
    public Task<long?> RevokeAppPasswordAsync(long accountId, string name, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<long?>((tx, _) =>
        {
            var delete = tx.Command("DELETE FROM app_passwords WHERE account_id = $id AND name = $n RETURNING id");
            delete.Parameters.AddWithValue("$id", accountId);
            delete.Parameters.AddWithValue("$n", name);
            return delete.ExecuteScalar() is long id ? id : null;
        }));

    /// <summary>Whether the app password still exists (a login checks it again after taking its revocation token).</summary>
    public async Task<bool> AppPasswordExistsAsync(long appPasswordId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM app_passwords WHERE id = $id)";
        command.Parameters.AddWithValue("$id", appPasswordId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long and not 0;
    }

    /// <summary>
    /// Records that an app password was used, and from where (shown when listing devices). Logins call it at most once
    /// an hour per app password (Auth's Authenticator), so a phone that polls every few minutes does not cost a write
    /// each time; a login from another address than the one recorded writes at once.
    /// </summary>
    public Task TouchAppPasswordAsync(long appPasswordId, string? from = null, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command("UPDATE app_passwords SET last_used = $t, last_from = $f WHERE id = $id");
            update.Parameters.AddWithValue("$id", appPasswordId);
            update.Parameters.AddWithValue("$t", NowUnixMs());
            update.Parameters.AddWithValue("$f", (object?)from ?? DBNull.Value);
            return update.ExecuteNonQuery() == 1;
        }));

    private static Account ReadAccount(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetInt64(3) != 0);

    private static ScramCredential ReadSecret(SqliteDataReader reader, int first) =>
        new((byte[])reader.GetValue(first), reader.GetInt32(first + 1), (byte[])reader.GetValue(first + 2), (byte[])reader.GetValue(first + 3));

    private static void AddSecret(SqliteCommand command, ScramCredential secret)
    {
        command.Parameters.AddWithValue("$s", secret.Salt);
        command.Parameters.AddWithValue("$i", secret.Iterations);
        command.Parameters.AddWithValue("$sk", secret.StoredKey);
        command.Parameters.AddWithValue("$vk", secret.ServerKey);
    }
}
