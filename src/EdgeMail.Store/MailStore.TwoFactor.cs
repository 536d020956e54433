using EdgeMail.Store.Data;
using EdgeMail.Store.Secrets;
using EdgeMail.Store.TwoFactor;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    /// <summary>The associated-data purpose of a sealed TOTP secret (see <see cref="SecretBox"/>).</summary>
    private const string TotpPurpose = "totp";

    private readonly Lock _secretsGate = new();
    private SecretBox? _secrets;

    /// <summary>The data folder's secret box, its key file made on first use (a folder without 2FA never needs one).</summary>
    internal SecretBox Secrets
    {
        get
        {
            if (Volatile.Read(ref _secrets) is { } box)
            {
                return box;
            }

            lock (_secretsGate)
            {
                return _secrets ??= SecretBox.OpenOrCreate(DataPath);
            }
        }
    }

    /// <summary>
    /// Starts a TOTP enrolment: stores <paramref name="secret"/> (sealed) as pending, in place of an older pending one.
    /// Refused (<see cref="StoreError.AlreadyExists"/>) when the account's TOTP is already on: turn it off first.
    /// </summary>
    public Task BeginTotpAsync(long accountId, byte[] secret, CancellationToken cancellationToken = default)
    {
        var sealedSecret = Secrets.Seal(secret, accountId, TotpPurpose);
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var upsert = tx.Command("""
                INSERT INTO totp(account_id, secret, enabled, last_step, created) VALUES($id, $s, 0, -1, $c)
                ON CONFLICT(account_id) DO UPDATE SET secret = excluded.secret, last_step = -1, created = excluded.created WHERE enabled = 0
                RETURNING 1
                """);
            upsert.Parameters.AddWithValue("$id", accountId);
            upsert.Parameters.AddWithValue("$s", sealedSecret);
            upsert.Parameters.AddWithValue("$c", NowUnixMs());
            try
            {
                return upsert.ExecuteScalar() is long ? true : throw new StoreException(StoreError.AlreadyExists, "two-factor login is already on for this account");
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                // SQLITE_CONSTRAINT: the foreign key, no such account.
                throw new StoreException(StoreError.NotFound, "no such account", ex);
            }
        }));
    }

    /// <summary>The account's TOTP state, pending or enabled; null when it has none.</summary>
    public async Task<TotpState?> GetTotpAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT secret, enabled, last_step, (SELECT COUNT(*) FROM totp_recovery r WHERE r.account_id = t.account_id) FROM totp t WHERE account_id = $id";
        command.Parameters.AddWithValue("$id", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var sealedSecret = (byte[])reader.GetValue(0);
        return new TotpState(Secrets.Open(sealedSecret, accountId, TotpPurpose), reader.GetInt64(1) != 0, reader.GetInt64(2), reader.GetInt32(3)) { Sealed = sealedSecret };
    }

    /// <summary>Whether the account's TOTP is on (confirmed); reads no secret.</summary>
    public async Task<bool> IsTotpEnabledAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM totp WHERE account_id = $id AND enabled = 1)";
        command.Parameters.AddWithValue("$id", accountId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long and not 0;
    }

    /// <summary>
    /// Turns the pending enrolment <paramref name="pending"/> on, with <paramref name="step"/> (the confirming code's) as
    /// the last accepted step and <paramref name="recoveryHashes"/> as the recovery codes (any older ones are dropped).
    /// False when that enrolment is no longer pending (confirmed, replaced or turned off meanwhile).
    /// </summary>
    public Task<bool> EnableTotpAsync(long accountId, TotpState pending, long step, IReadOnlyList<byte[]> recoveryHashes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(recoveryHashes);
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var enable = tx.Command("UPDATE totp SET enabled = 1, last_step = $step WHERE account_id = $id AND enabled = 0 AND secret = $s");
            enable.Parameters.AddWithValue("$id", accountId);
            enable.Parameters.AddWithValue("$s", pending.Sealed);
            enable.Parameters.AddWithValue("$step", step);
            if (enable.ExecuteNonQuery() != 1)
            {
                return false;
            }

            var clear = tx.Command("DELETE FROM totp_recovery WHERE account_id = $id");
            clear.Parameters.AddWithValue("$id", accountId);
            clear.ExecuteNonQuery();
            foreach (var hash in recoveryHashes)
            {
                var insert = tx.Command("INSERT OR IGNORE INTO totp_recovery(account_id, hash) VALUES($id, $h)");
                insert.Parameters.AddWithValue("$id", accountId);
                insert.Parameters.AddWithValue("$h", hash);
                insert.ExecuteNonQuery();
            }

            return true;
        }));
    }

    /// <summary>
    /// Accepts a code's time step if it is later than the last accepted one, in one statement, so that two logins with
    /// the same code at the same moment cannot both pass (RFC 6238 §5.2). False: a replay.
    /// </summary>
    public Task<bool> AcceptTotpStepAsync(long accountId, long step, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command("UPDATE totp SET last_step = $step WHERE account_id = $id AND enabled = 1 AND last_step < $step");
            update.Parameters.AddWithValue("$id", accountId);
            update.Parameters.AddWithValue("$step", step);
            return update.ExecuteNonQuery() == 1;
        }));

    /// <summary>
    /// Uses up the recovery code of this hash: deleted, so that it works once. The number of codes left, or null when
    /// the account has no such unused code.
    /// </summary>
    public Task<int?> UseRecoveryCodeAsync(long accountId, byte[] hash, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<int?>((tx, _) =>
        {
            var delete = tx.Command("DELETE FROM totp_recovery WHERE account_id = $id AND hash = $h AND EXISTS(SELECT 1 FROM totp WHERE account_id = $id AND enabled = 1) RETURNING 1");
            delete.Parameters.AddWithValue("$id", accountId);
            delete.Parameters.AddWithValue("$h", hash);
            if (delete.ExecuteScalar() is not long)
            {
                return null;
            }

            var left = tx.Command("SELECT COUNT(*) FROM totp_recovery WHERE account_id = $id");
            left.Parameters.AddWithValue("$id", accountId);
            return Convert.ToInt32(left.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }));

    /// <summary>Removes the account's TOTP, pending or on, and its recovery codes; false if it had none.</summary>
    public Task<bool> DeleteTotpAsync(long accountId, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var codes = tx.Command("DELETE FROM totp_recovery WHERE account_id = $id");
            codes.Parameters.AddWithValue("$id", accountId);
            codes.ExecuteNonQuery();
            var delete = tx.Command("DELETE FROM totp WHERE account_id = $id");
            delete.Parameters.AddWithValue("$id", accountId);
            return delete.ExecuteNonQuery() == 1;
        }));
}
