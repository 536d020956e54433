using System.Globalization;
using System.Text;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Data;
using EdgeMail.Store.Fetch;
using EdgeMail.Store.Secrets;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    /// <summary>The associated-data purpose of a sealed fetch password (see <see cref="SecretBox"/>).</summary>
    private const string FetchPasswordPurpose = "fetch-password";

    private const string FetchAccountColumns = """
        f.id, f.name, f.protocol, f.host, f.port, f.security, f.user, f.account_id, a.address, f.mailbox, f.interval_s,
        f.folders, f.remote_action, f.insecure_tls, f.created, f.last_success, f.last_error, f.last_error_at, f.fetched,
        f.next_attempt, f.failures
        """;

    /// <summary>
    /// Adds a fetch account for the local account <see cref="FetchAccountSpec.AccountAddress"/>, its password sealed.
    /// Refused when the spec is invalid (<see cref="StoreError.InvalidName"/>), the local account does not exist, or the
    /// name is taken.
    /// </summary>
    public async Task<FetchAccount> AddFetchAccountAsync(FetchAccountSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Validate() is { } problem)
        {
            throw new StoreException(StoreError.InvalidName, problem);
        }

        var account = await FindAccountAsync(spec.AccountAddress, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"no local account {spec.AccountAddress}");
        var password = Encoding.UTF8.GetBytes(spec.Password);
        var secrets = Secrets;
        var now = NowUnixMs();
        var id = await _writes.Enqueue(new WriteOp<long>((tx, _) =>
        {
            var insert = tx.Command("""
                INSERT INTO fetch_accounts(name, protocol, host, port, security, user, password, account_id, mailbox, interval_s, folders, remote_action, insecure_tls, created)
                VALUES($name, $protocol, $host, $port, $security, $user, x'', $account, $mailbox, $interval, $folders, $action, $insecure, $created)
                ON CONFLICT(name) DO NOTHING RETURNING id
                """);
            insert.Parameters.AddWithValue("$name", spec.Name);
            insert.Parameters.AddWithValue("$protocol", spec.Protocol == FetchProtocol.Imap ? "imap" : "pop3");
            insert.Parameters.AddWithValue("$host", spec.Host);
            insert.Parameters.AddWithValue("$port", spec.Port);
            insert.Parameters.AddWithValue("$security", spec.Security == FetchSecurity.Tls ? "tls" : "starttls");
            insert.Parameters.AddWithValue("$user", spec.User);
            insert.Parameters.AddWithValue("$account", account.Id);
            insert.Parameters.AddWithValue("$mailbox", spec.Mailbox);
            insert.Parameters.AddWithValue("$interval", (long)spec.Interval.TotalSeconds);
            insert.Parameters.AddWithValue("$folders", string.Join('\n', spec.Folders));
            insert.Parameters.AddWithValue("$action", spec.RemoteAction switch
            {
                FetchRemoteAction.Delete => "delete",
                FetchRemoteAction.Move => "move:" + spec.MoveTo,
                _ => "keep",
            });
            insert.Parameters.AddWithValue("$insecure", spec.InsecureTls ? 1 : 0);
            insert.Parameters.AddWithValue("$created", now);
            var id = insert.ExecuteScalar() is long value ? value : throw new StoreException(StoreError.AlreadyExists, $"a fetch account {spec.Name} already exists");

            // Sealed under its own row id, so that a sealed password copied to another row does not open.
            var seal = tx.Command("UPDATE fetch_accounts SET password = $p WHERE id = $id");
            seal.Parameters.AddWithValue("$p", secrets.Seal(password, id, FetchPasswordPurpose));
            seal.Parameters.AddWithValue("$id", id);
            seal.ExecuteNonQuery();
            return id;
        })).ConfigureAwait(false);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
        return (await GetFetchAccountAsync(id, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Every fetch account with its state, by name.</summary>
    public Task<IReadOnlyList<FetchAccount>> ListFetchAccountsAsync(CancellationToken cancellationToken = default) =>
        ReadFetchAccountsAsync("1 = 1 ORDER BY f.name", null, cancellationToken);

    public async Task<FetchAccount?> FindFetchAccountAsync(string name, CancellationToken cancellationToken = default) =>
        (await ReadFetchAccountsAsync("f.name = $p", name, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public async Task<FetchAccount?> GetFetchAccountAsync(long id, CancellationToken cancellationToken = default) =>
        (await ReadFetchAccountsAsync("f.id = $p", id, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Removes a fetch account and what it recorded as fetched (the local copies stay); false if there was none.</summary>
    public Task<bool> RemoveFetchAccountAsync(string name, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var delete = tx.Command("DELETE FROM fetch_accounts WHERE name = $name");
            delete.Parameters.AddWithValue("$name", name);
            return delete.ExecuteNonQuery() == 1;
        }));

    /// <summary>The fetch account's remote password, opened from its sealed form; only the fetcher asks for it.</summary>
    public async Task<string> GetFetchPasswordAsync(long fetchAccountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT password FROM fetch_accounts WHERE id = $id";
        command.Parameters.AddWithValue("$id", fetchAccountId);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not byte[] sealedPassword)
        {
            throw new StoreException(StoreError.NotFound, "no such fetch account");
        }

        var plain = Secrets.Open(sealedPassword, fetchAccountId, FetchPasswordPurpose);
        try
        {
            return Encoding.UTF8.GetString(plain);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>What the fetch account has committed from one remote folder (all UIDVALIDITY generations).</summary>
    public async Task<IReadOnlyList<FetchSeen>> GetFetchSeenAsync(long fetchAccountId, string folder, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT folder, uidvalidity, key, message_id, remote_size, remote_date, pending FROM fetch_seen WHERE fetch_id = $id AND folder = $folder";
        command.Parameters.AddWithValue("$id", fetchAccountId);
        command.Parameters.AddWithValue("$folder", folder);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var seen = new List<FetchSeen>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            seen.Add(new FetchSeen(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetInt64(4),
                reader.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                reader.GetInt64(6) != 0));
        }

        return seen;
    }

    /// <summary>
    /// Records remote messages as fetched without a local copy: the same messages under a new UIDVALIDITY, found by
    /// their fallback key (their local copy is already here). Already recorded identities are left as they are.
    /// </summary>
    public Task RecordFetchSeenAsync(IReadOnlyList<FetchOrigin> origins, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(origins);
        return origins.Count == 0 ? Task.CompletedTask : _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            foreach (var origin in origins)
            {
                InsertFetchSeen(tx, origin);
            }

            return true;
        }));
    }

    /// <summary>The remote action (delete, move) of these messages was done on the provider: nothing is pending for them.</summary>
    public Task CompleteFetchRemoteActionAsync(long fetchAccountId, string folder, long uidValidity, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        UpdateFetchSeenAsync("UPDATE fetch_seen SET pending = 0", fetchAccountId, folder, uidValidity, keys);

    /// <summary>
    /// Forgets remote messages that are gone from the provider (deleted there, by us or by another client), so that
    /// the record stays as large as the remote folder.
    /// </summary>
    public Task ForgetFetchSeenAsync(long fetchAccountId, string folder, long uidValidity, IReadOnlyCollection<string> keys, CancellationToken cancellationToken = default) =>
        UpdateFetchSeenAsync("DELETE FROM fetch_seen", fetchAccountId, folder, uidValidity, keys);

    /// <summary>
    /// Records the end of an attempt: on success the time, the messages it brought and no next attempt (the interval
    /// applies); on failure the error (one line, no secret), one more failure and when to try again.
    /// </summary>
    public Task RecordFetchAttemptAsync(long fetchAccountId, string? error, DateTimeOffset? nextAttempt, CancellationToken cancellationToken = default)
    {
        var now = NowUnixMs();
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command(error is null
                ? "UPDATE fetch_accounts SET last_success = $now, failures = 0, next_attempt = $next WHERE id = $id"
                : "UPDATE fetch_accounts SET last_error = $error, last_error_at = $now, failures = failures + 1, next_attempt = $next WHERE id = $id");
            update.Parameters.AddWithValue("$id", fetchAccountId);
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$next", nextAttempt is { } next ? next.ToUnixTimeMilliseconds() : DBNull.Value);
            if (error is not null)
            {
                update.Parameters.AddWithValue("$error", error);
            }

            return update.ExecuteNonQuery() == 1;
        }));
    }

    /// <summary>
    /// Inside a delivery: records the remote identity, or refuses the delivery (<see cref="StoreError.AlreadyExists"/>)
    /// when it is recorded already, so that a message fetched twice (a retry after a lost answer) is stored once.
    /// </summary>
    private static void RecordFetched(WriteTx tx, FetchOrigin origin)
    {
        if (!InsertFetchSeen(tx, origin))
        {
            throw new StoreException(StoreError.AlreadyExists, "the message was fetched already");
        }

        var count = tx.Command("UPDATE fetch_accounts SET fetched = fetched + 1 WHERE id = $id");
        count.Parameters.AddWithValue("$id", origin.FetchAccountId);
        count.ExecuteNonQuery();
    }

    private static bool InsertFetchSeen(WriteTx tx, FetchOrigin origin)
    {
        var insert = tx.Command("""
            INSERT INTO fetch_seen(fetch_id, folder, uidvalidity, key, message_id, remote_size, remote_date, pending)
            VALUES($id, $folder, $uv, $key, $mid, $size, $date, $pending)
            ON CONFLICT DO NOTHING RETURNING 1
            """);
        insert.Parameters.AddWithValue("$id", origin.FetchAccountId);
        insert.Parameters.AddWithValue("$folder", origin.Folder);
        insert.Parameters.AddWithValue("$uv", origin.UidValidity);
        insert.Parameters.AddWithValue("$key", origin.Key);
        insert.Parameters.AddWithValue("$mid", (object?)origin.MessageId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$size", origin.RemoteSize);
        insert.Parameters.AddWithValue("$date", origin.RemoteDate is { } date ? date.ToUnixTimeMilliseconds() : DBNull.Value);
        insert.Parameters.AddWithValue("$pending", origin.RemoteActionPending ? 1 : 0);
        try
        {
            return insert.ExecuteScalar() is long;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
        {
            // SQLITE_CONSTRAINT: the foreign key, the fetch account was removed meanwhile.
            throw new StoreException(StoreError.NotFound, "the fetch account was removed", ex);
        }
    }

    private Task UpdateFetchSeenAsync(string statement, long fetchAccountId, string folder, long uidValidity, IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return Task.CompletedTask;
        }

        var json = StringJson(keys);
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command(statement + " WHERE fetch_id = $id AND folder = $folder AND uidvalidity = $uv AND key IN (SELECT value FROM json_each($keys))");
            update.Parameters.AddWithValue("$id", fetchAccountId);
            update.Parameters.AddWithValue("$folder", folder);
            update.Parameters.AddWithValue("$uv", uidValidity);
            update.Parameters.AddWithValue("$keys", json);
            update.ExecuteNonQuery();
            return true;
        }));
    }

    /// <summary>A JSON array of strings, for json_each (UIDLs may hold any printable character, RFC 1939 §7).</summary>
    private static string StringJson(IEnumerable<string> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task<IReadOnlyList<FetchAccount>> ReadFetchAccountsAsync(string where, object? parameter, CancellationToken cancellationToken)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FetchAccountColumns} FROM fetch_accounts f JOIN accounts a ON a.id = f.account_id WHERE {where}";
        if (parameter is not null)
        {
            command.Parameters.AddWithValue("$p", parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var accounts = new List<FetchAccount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var action = reader.GetString(12);
            accounts.Add(new FetchAccount(
                Id: reader.GetInt64(0),
                Name: reader.GetString(1),
                Protocol: reader.GetString(2) == "pop3" ? FetchProtocol.Pop3 : FetchProtocol.Imap,
                Host: reader.GetString(3),
                Port: reader.GetInt32(4),
                Security: reader.GetString(5) == "starttls" ? FetchSecurity.StartTls : FetchSecurity.Tls,
                User: reader.GetString(6),
                AccountId: reader.GetInt64(7),
                AccountAddress: reader.GetString(8),
                Mailbox: reader.GetString(9),
                Interval: TimeSpan.FromSeconds(reader.GetInt64(10)),
                Folders: reader.GetString(11).Split('\n'),
                RemoteAction: action == "delete" ? FetchRemoteAction.Delete : action.StartsWith("move:", StringComparison.Ordinal) ? FetchRemoteAction.Move : FetchRemoteAction.Keep,
                MoveTo: action.StartsWith("move:", StringComparison.Ordinal) ? action[5..] : null,
                InsecureTls: reader.GetInt64(13) != 0,
                Created: DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(14)),
                State: new FetchState(
                    LastSuccess: Time(reader, 15),
                    LastError: reader.IsDBNull(16) ? null : reader.GetString(16),
                    LastErrorAt: Time(reader, 17),
                    Fetched: reader.GetInt64(18),
                    NextAttempt: Time(reader, 19),
                    Failures: reader.GetInt32(20))));
        }

        return accounts;

        static DateTimeOffset? Time(SqliteDataReader reader, int column) =>
            reader.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(column));
    }
}
