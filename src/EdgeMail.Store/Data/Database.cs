using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Data;

/// <summary>
/// The SQLite database of metadata. WAL with synchronous=FULL: SQLite documents that NORMAL can roll
/// back the latest commits after a power loss (https://sqlite.org/pragma.html#pragma_synchronous),
/// and our promise is that an acknowledged write survives one.
/// </summary>
internal sealed class Database
{
    // 2: messages.internal_offset, the time zone of INTERNALDATE in minutes east of UTC.
    // 3: mailboxes.recent_uid, the first UID no IMAP4rev1 session has claimed as \Recent yet; subscriptions, by
    //    name (mailboxes.subscribed is no longer read or written).
    // 4: accounts.admin, set on the first account (the one that pairs an empty box); app_passwords.last_from, the
    //    remote address of the last use, written with last_used.
    // 5: totp and totp_recovery, an account's TOTP second factor (its secret sealed by Secrets/SecretBox) and its
    //    one-time recovery codes (SHA-256 hashes); new tables only.
    // 6: bodies.sha256, each body's SHA-256 recorded at intake.
    // 7: fetch_accounts and fetch_seen, the provider mailboxes pulled into local accounts (EdgeMail.Fetch); new tables only.
    public const int SchemaVersion = 7;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS accounts(
            id INTEGER PRIMARY KEY,
            address TEXT NOT NULL UNIQUE,
            created INTEGER NOT NULL,
            salt BLOB NOT NULL, iterations INTEGER NOT NULL, stored_key BLOB NOT NULL, server_key BLOB NOT NULL,
            admin INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS app_passwords(
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            created INTEGER NOT NULL,
            last_used INTEGER,
            last_from TEXT,
            salt BLOB NOT NULL, iterations INTEGER NOT NULL, stored_key BLOB NOT NULL, server_key BLOB NOT NULL,
            UNIQUE(account_id, name));
        -- The TOTP second factor (RFC 6238) of an account: the secret sealed by SecretBox (the account id as associated
        -- data), pending (enabled 0) until a code confirms it, and the last time step a code was accepted for: a code
        -- of that step or an earlier one is refused (RFC 6238 §5.2). -1: none yet.
        CREATE TABLE IF NOT EXISTS totp(
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            secret BLOB NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 0,
            last_step INTEGER NOT NULL DEFAULT -1,
            created INTEGER NOT NULL);
        -- The unused recovery codes of an account's TOTP, as SHA-256 hashes (random codes need no slow hash); a code
        -- is deleted when used.
        CREATE TABLE IF NOT EXISTS totp_recovery(
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            hash BLOB NOT NULL,
            PRIMARY KEY(account_id, hash)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS mailboxes(
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            uidnext INTEGER NOT NULL,
            highestmodseq INTEGER NOT NULL,
            special_use INTEGER NOT NULL DEFAULT 0,
            subscribed INTEGER NOT NULL DEFAULT 0,
            recent_uid INTEGER NOT NULL DEFAULT 1,
            UNIQUE(account_id, name));
        -- Subscribed names (RFC 9051 §6.3.7): a name stays subscribed when its mailbox is deleted (RFC 3501 §6.3.9).
        CREATE TABLE IF NOT EXISTS subscriptions(
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            PRIMARY KEY(account_id, name)) WITHOUT ROWID;
        -- A stored message body: in a shared segment file (segment, offset) or in a file of its own.
        -- Copies share one body; it is reclaimed when the last message referring to it goes.
        CREATE TABLE IF NOT EXISTS bodies(
            id INTEGER PRIMARY KEY,
            segment INTEGER,
            offset INTEGER NOT NULL,
            length INTEGER NOT NULL,
            file TEXT,
            summary BLOB NOT NULL,
            sha256 BLOB);
        CREATE INDEX IF NOT EXISTS bodies_segment ON bodies(segment, offset) WHERE segment IS NOT NULL;
        CREATE TABLE IF NOT EXISTS messages(
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            flags INTEGER NOT NULL,
            keywords TEXT,
            internal_date INTEGER NOT NULL,
            size INTEGER NOT NULL,
            body_id INTEGER NOT NULL REFERENCES bodies(id),
            internal_offset INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS messages_body ON messages(body_id);
        CREATE INDEX IF NOT EXISTS messages_modseq ON messages(mailbox_id, modseq);
        -- Expunged UIDs with the MODSEQ of their expunge, for QRESYNC's VANISHED (RFC 7162 §3.2.5.1).
        CREATE TABLE IF NOT EXISTS expunged(
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            modseq INTEGER NOT NULL,
            PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID;
        -- When a message was first retrieved over POP3, for Pop3:ExpireDays (RFC 2449 §6.7 EXPIRE).
        CREATE TABLE IF NOT EXISTS retrieved(
            mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
            uid INTEGER NOT NULL,
            at INTEGER NOT NULL,
            PRIMARY KEY(mailbox_id, uid)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS retrieved_at ON retrieved(mailbox_id, at);
        -- The unseen messages of a mailbox (IMAP SELECT's UNSEEN, SEARCH UNSEEN, the new-mail count) without a scan.
        CREATE INDEX IF NOT EXISTS messages_unseen ON messages(mailbox_id, uid) WHERE (flags & 1) = 0;
        -- The relay queue (EdgeMail.Smtp Relay/): a message waiting for the upstream, with one row per
        -- recipient and its own state (0 queued, 1 sending, 2 delivered, 3 failed) and retry time.
        -- The body is an ordinary bodies row, shared with local copies of the same message.
        CREATE TABLE IF NOT EXISTS queue_messages(
            id INTEGER PRIMARY KEY,
            sender TEXT NOT NULL,
            account_id INTEGER,
            created INTEGER NOT NULL,
            expires INTEGER NOT NULL,
            body_id INTEGER NOT NULL REFERENCES bodies(id),
            size INTEGER NOT NULL,
            envid TEXT,
            ret INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS queue_messages_body ON queue_messages(body_id);
        CREATE TABLE IF NOT EXISTS queue_recipients(
            id INTEGER PRIMARY KEY,
            message_id INTEGER NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            orcpt TEXT,
            notify INTEGER NOT NULL DEFAULT 0,
            state INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL,
            last_attempt INTEGER,
            last_error TEXT,
            unreachable INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX IF NOT EXISTS queue_recipients_message ON queue_recipients(message_id);
        CREATE INDEX IF NOT EXISTS queue_recipients_due ON queue_recipients(state, next_attempt);
        -- A provider's mailbox pulled into a local account's mailbox (EdgeMail.Fetch). The remote password is sealed by
        -- SecretBox (the row's id as associated data); folders are the remote folders, one per line. The columns from
        -- last_success on are the fetching's state, written after each attempt.
        CREATE TABLE IF NOT EXISTS fetch_accounts(
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            protocol TEXT NOT NULL,
            host TEXT NOT NULL,
            port INTEGER NOT NULL,
            security TEXT NOT NULL,
            user TEXT NOT NULL,
            password BLOB NOT NULL,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            mailbox TEXT NOT NULL,
            interval_s INTEGER NOT NULL,
            folders TEXT NOT NULL,
            remote_action TEXT NOT NULL,
            insecure_tls INTEGER NOT NULL DEFAULT 0,
            created INTEGER NOT NULL,
            last_success INTEGER,
            last_error TEXT,
            last_error_at INTEGER,
            fetched INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER,
            failures INTEGER NOT NULL DEFAULT 0);
        -- Every remote message a fetch account has committed locally, by its remote identity (IMAP: the folder's
        -- UIDVALIDITY and the UID; POP3: uidvalidity 0 and the UIDL), written in the transaction of the local copy; with
        -- the fallback key for a UIDVALIDITY change (Message-ID, remote size and date) and whether the remote action
        -- (delete, move) is still to be done.
        CREATE TABLE IF NOT EXISTS fetch_seen(
            fetch_id INTEGER NOT NULL REFERENCES fetch_accounts(id) ON DELETE CASCADE,
            folder TEXT NOT NULL,
            uidvalidity INTEGER NOT NULL,
            key TEXT NOT NULL,
            message_id TEXT,
            remote_size INTEGER NOT NULL,
            remote_date INTEGER,
            pending INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY(fetch_id, folder, uidvalidity, key)) WITHOUT ROWID;
        -- A body the queue still needs outlives the expunge of its local copies: the delete of its row is
        -- skipped (so it is not reclaimed either) until the queue lets go of it.
        CREATE TRIGGER IF NOT EXISTS bodies_kept_for_queue BEFORE DELETE ON bodies
            WHEN EXISTS(SELECT 1 FROM queue_messages WHERE body_id = OLD.id)
            BEGIN SELECT RAISE(IGNORE); END;
        """;

    public Database(string path)
    {
        Path = path;
        ConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Path { get; }

    public string ConnectionString { get; }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(ConnectionString);
        connection.Open();

        // Pooled connections keep their native handle, and with it these settings: set them once per handle, not at
        // every read (three statements parsed and run before each query were a measurable share of a POP3 RETR).
        var handle = connection.Handle!;
        if (!_configured.TryGetValue(handle, out _))
        {
            using var pragma = connection.CreateCommand();

            // busy_timeout: the CLI and the server may write at the same moment; wait, don't fail.
            pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
            pragma.ExecuteNonQuery();
            _configured.AddOrUpdate(handle, Configured);
        }

        return connection;
    }

    /// <summary>
    /// Closes the pooled connections nobody is using. A burst (fifty clients logging in at once) leaves as many
    /// connections in the pool, each with its own page cache and lookaside memory; they are opened again on demand.
    /// </summary>
    public void ReleaseIdleConnections()
    {
        // One database per process (this one), so every pool is ours.
        SqliteConnection.ClearAllPools();
    }

    private static readonly object Configured = new();

    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> _configured = [];

    /// <summary>Creates or upgrades the schema; the journal mode is a property of the file and set once.</summary>
    public void Initialize()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode (got {mode}) for {Path}");
        }

        using var tx = connection.BeginTransaction();
        command.Transaction = tx;
        command.CommandText = Schema;
        command.ExecuteNonQuery();
        command.CommandText = "INSERT INTO meta(key, value) VALUES('schema', $v) ON CONFLICT(key) DO NOTHING; SELECT value FROM meta WHERE key='schema';";
        command.Parameters.AddWithValue("$v", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException($"the data folder was written by a newer EdgeMail (schema {version}, this build knows {SchemaVersion})");
        }

        if (version < 2)
        {
            // INTERNALDATE keeps the time zone the client gave (RFC 9051 §2.3.3, §6.3.12 APPEND date-time); older
            // messages were delivered here and are shown in UTC, which is what they were stored as.
            command.CommandText = "ALTER TABLE messages ADD COLUMN internal_offset INTEGER NOT NULL DEFAULT 0;";
            command.ExecuteNonQuery();
        }

        if (version < 3)
        {
            // \Recent (RFC 3501 §2.3.2) starts with what arrives after the upgrade: what is there was seen before.
            // Subscriptions move out of the mailboxes, so that one can outlive its mailbox.
            command.CommandText = """
                ALTER TABLE mailboxes ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 1; UPDATE mailboxes SET recent_uid = uidnext;
                INSERT OR IGNORE INTO subscriptions(account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed != 0;
                """;
            command.ExecuteNonQuery();
        }

        if (version < 4)
        {
            // The admin is the first account; on a box that already has accounts, the oldest one. Where earlier uses
            // came from was not recorded: null until the next use.
            command.CommandText = """
                ALTER TABLE accounts ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
                UPDATE accounts SET admin = 1 WHERE id = (SELECT MIN(id) FROM accounts);
                ALTER TABLE app_passwords ADD COLUMN last_from TEXT;
                """;
            command.ExecuteNonQuery();
        }

        // 5 adds only tables, which the schema above has just created: nothing to move.

        if (version < 6)
        {
            // Each body's SHA-256 as stored, recorded at intake from now on; bodies stored before have none until
            // `edgemail check` hashes them.
            command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('bodies') WHERE name = 'sha256';";
            if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                command.CommandText = "ALTER TABLE bodies ADD COLUMN sha256 BLOB;";
                command.ExecuteNonQuery();
            }
        }

        command.CommandText = "UPDATE meta SET value = $v WHERE key = 'schema';";
        command.ExecuteNonQuery();
        tx.Commit();
    }
}
