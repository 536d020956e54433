using EdgeMail.Store.Changes;
using EdgeMail.Store.Data;
using EdgeMail.Store.Mailboxes;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    // Subscriptions are kept by name (schema 3), apart from the mailboxes: one outlives the delete of its mailbox
    // (RFC 9051 §6.3.7 / RFC 3501 §6.3.9: the server MUST NOT remove a name from the subscription list on its own).
    private const string MailboxColumns = """
        id, account_id, name, uidvalidity, uidnext, highestmodseq, special_use,
        EXISTS(SELECT 1 FROM subscriptions s WHERE s.account_id = mailboxes.account_id AND s.name = mailboxes.name), recent_uid
        """;

    public async Task<IReadOnlyList<MailboxInfo>> ListMailboxesAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {MailboxColumns} FROM mailboxes WHERE account_id = $a ORDER BY name";
        command.Parameters.AddWithValue("$a", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<MailboxInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ReadMailbox(reader));
        }

        return list;
    }

    public async Task<MailboxInfo?> GetMailboxAsync(long accountId, string name, CancellationToken cancellationToken = default)
    {
        if (!MailboxName.TryNormalize(name, out var normalized, out _))
        {
            return null;
        }

        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {MailboxColumns} FROM mailboxes WHERE account_id = $a AND name = $n";
        command.Parameters.AddWithValue("$a", accountId);
        command.Parameters.AddWithValue("$n", normalized);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadMailbox(reader) : null;
    }

    public async Task<MailboxInfo?> GetMailboxAsync(long mailboxId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {MailboxColumns} FROM mailboxes WHERE id = $id";
        command.Parameters.AddWithValue("$id", mailboxId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadMailbox(reader) : null;
    }

    /// <summary>
    /// Creates a mailbox, and any missing parents (RFC 9051 §6.3.4: the server SHOULD create the
    /// superior names that are needed).
    /// </summary>
    public Task<MailboxInfo> CreateMailboxAsync(long accountId, string name, SpecialUse specialUse = SpecialUse.None, CancellationToken cancellationToken = default)
    {
        var normalized = MailboxName.Normalize(name);
        return _writes.Enqueue(new WriteOp<MailboxInfo>((tx, _) =>
        {
            if (FindMailbox(tx, accountId, normalized) is not null)
            {
                throw new StoreException(StoreError.AlreadyExists, $"the mailbox {normalized} already exists");
            }

            CreateMissingParents(tx, accountId, normalized);
            return InsertMailbox(tx, accountId, normalized, specialUse, subscribed: false);
        }));
    }

    /// <summary>
    /// Renames a mailbox and its children, keeping UIDVALIDITY and UIDs. Renaming INBOX moves its
    /// messages to a new mailbox and leaves INBOX empty; INBOX's children stay (RFC 9051 §6.3.6).
    /// </summary>
    public Task<MailboxInfo> RenameMailboxAsync(long accountId, string from, string to, CancellationToken cancellationToken = default)
    {
        var source = MailboxName.Normalize(from);
        var target = MailboxName.Normalize(to);
        return _writes.Enqueue(new WriteOp<MailboxInfo>((tx, op) =>
        {
            var existing = FindMailbox(tx, accountId, source) ?? throw new StoreException(StoreError.NotFound, $"no mailbox named {source}");
            if (FindMailbox(tx, accountId, target) is not null)
            {
                throw new StoreException(StoreError.AlreadyExists, $"the mailbox {target} already exists");
            }

            if (target == source || MailboxName.IsDescendant(target, source))
            {
                throw new StoreException(StoreError.NotAllowed, "a mailbox cannot be renamed into itself");
            }

            if (MailboxName.IsInbox(target))
            {
                throw new StoreException(StoreError.NotAllowed, "no mailbox can be renamed to INBOX");
            }

            if (MailboxName.IsInbox(source))
            {
                return MoveInboxAway(tx, op, existing, target);
            }

            var rename = tx.Command("""
                UPDATE mailboxes SET name = $to || substr(name, length($from) + 1)
                WHERE account_id = $a AND (name = $from OR substr(name, 1, length($from) + 1) = $from || '/')
                RETURNING id, name
                """);
            rename.Parameters.AddWithValue("$a", accountId);
            rename.Parameters.AddWithValue("$from", source);
            rename.Parameters.AddWithValue("$to", target);
            using (var reader = rename.ExecuteReader())
            {
                while (reader.Read())
                {
                    op.Changes.Add(new MailboxChange(ChangeKind.MailboxRenamed, accountId, reader.GetInt64(0), 0, 0, MailboxName: reader.GetString(1)));
                }
            }

            // Subscriptions follow the mailbox and its children to their new names.
            var subscriptions = tx.Command("""
                UPDATE OR REPLACE subscriptions SET name = $to || substr(name, length($from) + 1)
                WHERE account_id = $a AND (name = $from OR substr(name, 1, length($from) + 1) = $from || '/')
                """);
            subscriptions.Parameters.AddWithValue("$a", accountId);
            subscriptions.Parameters.AddWithValue("$from", source);
            subscriptions.Parameters.AddWithValue("$to", target);
            subscriptions.ExecuteNonQuery();
            CreateMissingParents(tx, accountId, target);
            return existing with { Name = target };
        }));
    }

    /// <summary>
    /// Deletes a mailbox and its messages. INBOX cannot be deleted (RFC 9051 §6.3.5), and, as
    /// Dovecot does, neither can a mailbox that still has children.
    /// </summary>
    public Task DeleteMailboxAsync(long accountId, string name, CancellationToken cancellationToken = default)
    {
        var normalized = MailboxName.Normalize(name);
        return _writes.Enqueue(new WriteOp<bool>((tx, op) =>
        {
            if (MailboxName.IsInbox(normalized))
            {
                throw new StoreException(StoreError.NotAllowed, "INBOX cannot be deleted");
            }

            var mailbox = FindMailbox(tx, accountId, normalized) ?? throw new StoreException(StoreError.NotFound, $"no mailbox named {normalized}");
            var children = tx.Command("SELECT EXISTS(SELECT 1 FROM mailboxes WHERE account_id = $a AND substr(name, 1, length($n) + 1) = $n || '/')");
            children.Parameters.AddWithValue("$a", accountId);
            children.Parameters.AddWithValue("$n", normalized);
            if ((long)children.ExecuteScalar()! != 0)
            {
                throw new StoreException(StoreError.NotAllowed, $"the mailbox {normalized} has children; delete them first");
            }

            var bodies = tx.Command("SELECT DISTINCT body_id FROM messages WHERE mailbox_id = $m");
            bodies.Parameters.AddWithValue("$m", mailbox.Id);
            var bodyIds = new List<long>();
            using (var reader = bodies.ExecuteReader())
            {
                while (reader.Read())
                {
                    bodyIds.Add(reader.GetInt64(0));
                }
            }

            var delete = tx.Command("DELETE FROM mailboxes WHERE id = $m");
            delete.Parameters.AddWithValue("$m", mailbox.Id);
            delete.ExecuteNonQuery();
            CollectDeadBodies(tx, op, bodyIds);
            op.Changes.Add(new MailboxChange(ChangeKind.MailboxDeleted, accountId, mailbox.Id, 0, 0, MailboxName: normalized));
            _recentClaims.TryRemove(mailbox.Id, out _);
            return true;
        }));
    }

    /// <summary>
    /// Claims \Recent for one IMAP4rev1 session (RFC 3501 §2.3.2: a message is recent in the first session to be told
    /// of it): the UIDs from the mailbox's recent_uid up to <paramref name="uidLimit"/> (exclusive) become that session's
    /// recent messages, and no other session's. Returns the claimed range [From, To), empty when another session claimed
    /// it first.
    /// The claim itself is decided in memory (a compare-and-swap per mailbox), so that fifty sessions hearing of one
    /// delivery do not queue fifty writes; the new recent_uid is then written with the next group commit, unawaited.
    /// \Recent is advisory: a claim lost in a crash only shows the messages as recent once more.
    /// </summary>
    public (uint From, uint To) ClaimRecent(long mailboxId, uint uidValidity, uint uidLimit)
    {
        while (true)
        {
            if (!_recentClaims.TryGetValue(mailboxId, out var current) || current.UidValidity != uidValidity)
            {
                // First claim in this process, or a mailbox id SQLite gave again to a new mailbox: the column says.
                var loaded = (uidValidity, ReadRecentUid(mailboxId));
                if (_recentClaims.TryGetValue(mailboxId, out var raced) && raced.UidValidity == uidValidity)
                {
                    continue;
                }

                _recentClaims[mailboxId] = loaded;
                current = loaded;
            }

            if (current.RecentUid >= uidLimit)
            {
                return (uidLimit, uidLimit);
            }

            if (_recentClaims.TryUpdate(mailboxId, (uidValidity, uidLimit), current))
            {
                var persist = _writes.Enqueue(new WriteOp<bool>((tx, _) =>
                {
                    var claim = tx.Command("UPDATE mailboxes SET recent_uid = max(recent_uid, $l) WHERE id = $id AND uidvalidity = $v");
                    claim.Parameters.AddWithValue("$id", mailboxId);
                    claim.Parameters.AddWithValue("$v", (long)uidValidity);
                    claim.Parameters.AddWithValue("$l", (long)uidLimit);
                    return claim.ExecuteNonQuery() == 1;
                }));
                persist.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                return (current.RecentUid, uidLimit);
            }
        }
    }

    /// <summary>The first UID not yet claimed as \Recent, counting claims still on their way to the column.</summary>
    public uint RecentUidOf(MailboxInfo mailbox)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return _recentClaims.TryGetValue(mailbox.Id, out var claimed) && claimed.UidValidity == mailbox.UidValidity
            ? Math.Max(claimed.RecentUid, mailbox.RecentUid)
            : mailbox.RecentUid;
    }

    // The \Recent claims of this process by mailbox id, checked against UIDVALIDITY since SQLite reuses ids (a deleted
    // mailbox's entry is removed with it).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, (uint UidValidity, uint RecentUid)> _recentClaims = new();

    private uint ReadRecentUid(long mailboxId)
    {
        using var connection = OpenReader();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT recent_uid FROM mailboxes WHERE id = $id";
        command.Parameters.AddWithValue("$id", mailboxId);
        return command.ExecuteScalar() is long value ? (uint)value : uint.MaxValue;
    }

    /// <summary>
    /// Subscribes to an existing mailbox, or removes a name from the subscriptions, whether or not its mailbox still
    /// exists (so that the subscription of a deleted mailbox can be removed).
    /// </summary>
    public Task SetSubscribedAsync(long accountId, string name, bool subscribed, CancellationToken cancellationToken = default)
    {
        var normalized = MailboxName.Normalize(name);
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var exists = FindMailbox(tx, accountId, normalized) is not null;
            var change = tx.Command(subscribed
                ? "INSERT INTO subscriptions(account_id, name) VALUES($a, $n) ON CONFLICT DO NOTHING"
                : "DELETE FROM subscriptions WHERE account_id = $a AND name = $n");
            change.Parameters.AddWithValue("$a", accountId);
            change.Parameters.AddWithValue("$n", normalized);
            if (subscribed && !exists)
            {
                throw new StoreException(StoreError.NotFound, $"no mailbox named {normalized}");
            }

            return change.ExecuteNonQuery() == 1 || exists ? true : throw new StoreException(StoreError.NotFound, $"no mailbox or subscription named {normalized}");
        }));
    }

    /// <summary>The subscribed names, existing mailboxes or not, in ordinal order.</summary>
    public async Task<IReadOnlyList<string>> ListSubscriptionsAsync(long accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM subscriptions WHERE account_id = $a ORDER BY name";
        command.Parameters.AddWithValue("$a", accountId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>STATUS counts (RFC 9051 §6.3.11), read in one consistent snapshot.</summary>
    public async Task<MailboxStatus> GetStatusAsync(long mailboxId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var tx = connection.BeginTransaction(deferred: true);
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = $"""
            SELECT {MailboxColumns} FROM mailboxes WHERE id = $id;
            SELECT count(*), coalesce(sum((flags & 1) = 0), 0), coalesce(sum((flags & 8) != 0), 0), coalesce(sum(size), 0),
                coalesce(sum(uid >= max((SELECT recent_uid FROM mailboxes WHERE id = $id), $claimed)), 0) FROM messages WHERE mailbox_id = $id;
            """;
        command.Parameters.AddWithValue("$id", mailboxId);

        // A claim of \Recent may still be on its way to the column (ClaimRecent); the count starts past it.
        command.Parameters.AddWithValue("$claimed", _recentClaims.TryGetValue(mailboxId, out var claimed) ? (long)claimed.RecentUid : 0L);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new StoreException(StoreError.NotFound, "no such mailbox");
        }

        var mailbox = ReadMailbox(reader);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new MailboxStatus(mailbox, reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
    }

    private MailboxInfo MoveInboxAway(WriteTx tx, WriteOp op, MailboxInfo inbox, string target)
    {
        CreateMissingParents(tx, inbox.AccountId, target);
        var created = InsertMailbox(tx, inbox.AccountId, target, SpecialUse.None, subscribed: false);
        var modseq = inbox.HighestModSeq + 1;
        var moved = new List<uint>();
        var select = tx.Command("SELECT uid FROM messages WHERE mailbox_id = $m ORDER BY uid");
        select.Parameters.AddWithValue("$m", inbox.Id);
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read())
            {
                moved.Add((uint)reader.GetInt64(0));
            }
        }

        // The new mailbox has a fresh UIDVALIDITY, so the messages may keep their UIDs.
        var move = tx.Command("UPDATE messages SET mailbox_id = $to, modseq = 1 WHERE mailbox_id = $from");
        move.Parameters.AddWithValue("$from", inbox.Id);
        move.Parameters.AddWithValue("$to", created.Id);
        move.ExecuteNonQuery();
        var targetState = tx.Command("UPDATE mailboxes SET uidnext = $u, highestmodseq = 1 WHERE id = $id");
        targetState.Parameters.AddWithValue("$u", (long)inbox.UidNext);
        targetState.Parameters.AddWithValue("$id", created.Id);
        targetState.ExecuteNonQuery();
        if (moved.Count > 0)
        {
            var bump = tx.Command("UPDATE mailboxes SET highestmodseq = $ms WHERE id = $id");
            bump.Parameters.AddWithValue("$ms", (long)modseq);
            bump.Parameters.AddWithValue("$id", inbox.Id);
            bump.ExecuteNonQuery();
            foreach (var uid in moved)
            {
                RecordExpunged(tx, inbox.Id, uid, modseq);
                op.Changes.Add(new MailboxChange(ChangeKind.Expunged, inbox.AccountId, inbox.Id, uid, modseq));
            }
        }

        return created with { UidNext = inbox.UidNext, HighestModSeq = 1 };
    }

    private void CreateMissingParents(WriteTx tx, long accountId, string name)
    {
        var parent = MailboxName.Parent(name);
        var missing = new Stack<string>();
        while (parent is not null && FindMailbox(tx, accountId, parent) is null)
        {
            missing.Push(parent);
            parent = MailboxName.Parent(parent);
        }

        while (missing.Count > 0)
        {
            InsertMailbox(tx, accountId, missing.Pop(), SpecialUse.None, subscribed: false);
        }
    }

    private MailboxInfo InsertMailbox(WriteTx tx, long accountId, string name, SpecialUse use, bool subscribed)
    {
        var uidValidity = NextUidValidity(tx);
        var insert = tx.Command("""
            INSERT INTO mailboxes(account_id, name, uidvalidity, uidnext, highestmodseq, special_use)
            VALUES($a, $n, $v, 1, 1, $u) RETURNING id
            """);
        insert.Parameters.AddWithValue("$a", accountId);
        insert.Parameters.AddWithValue("$n", name);
        insert.Parameters.AddWithValue("$v", (long)uidValidity);
        insert.Parameters.AddWithValue("$u", (int)use);
        var id = (long)insert.ExecuteScalar()!;

        // A name subscribed before (a mailbox deleted and created again) is subscribed again.
        var subscription = tx.Command(subscribed
            ? "INSERT INTO subscriptions(account_id, name) VALUES($a, $n) ON CONFLICT DO NOTHING RETURNING 1"
            : "SELECT 1 FROM subscriptions WHERE account_id = $a AND name = $n");
        subscription.Parameters.AddWithValue("$a", accountId);
        subscription.Parameters.AddWithValue("$n", name);
        var isSubscribed = subscription.ExecuteScalar() is not null || subscribed;
        return new MailboxInfo(id, accountId, name, uidValidity, 1, 1, use, isSubscribed);
    }

    /// <summary>
    /// UIDVALIDITY: the creation time in seconds, but always above every value handed out before, so
    /// that a mailbox deleted and created again under its old name never repeats one (RFC 9051 §2.3.1.1).
    /// </summary>
    private uint NextUidValidity(WriteTx tx)
    {
        var read = tx.Command("SELECT value FROM meta WHERE key = 'uidvalidity'");
        var last = read.ExecuteScalar() is string text ? uint.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0u;
        var now = (uint)Math.Clamp(_time.GetUtcNow().ToUnixTimeSeconds(), 1, uint.MaxValue - 1);
        var next = Math.Max(now, last + 1);
        var write = tx.Command("INSERT INTO meta(key, value) VALUES('uidvalidity', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        write.Parameters.AddWithValue("$v", next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        write.ExecuteNonQuery();
        return next;
    }

    private static MailboxInfo? FindMailbox(WriteTx tx, long accountId, string name)
    {
        var find = tx.Command($"SELECT {MailboxColumns} FROM mailboxes WHERE account_id = $a AND name = $n");
        find.Parameters.AddWithValue("$a", accountId);
        find.Parameters.AddWithValue("$n", name);
        using var reader = find.ExecuteReader();
        return reader.Read() ? ReadMailbox(reader) : null;
    }

    private static MailboxInfo? FindMailbox(WriteTx tx, long mailboxId)
    {
        var find = tx.Command($"SELECT {MailboxColumns} FROM mailboxes WHERE id = $id");
        find.Parameters.AddWithValue("$id", mailboxId);
        using var reader = find.ExecuteReader();
        return reader.Read() ? ReadMailbox(reader) : null;
    }

    private static MailboxInfo ReadMailbox(SqliteDataReader reader) =>
        new(
            reader.GetInt64(0),
            reader.GetInt64(1),
            reader.GetString(2),
            (uint)reader.GetInt64(3),
            (uint)reader.GetInt64(4),
            (ulong)reader.GetInt64(5),
            (SpecialUse)reader.GetInt32(6),
            reader.GetInt64(7) != 0,
            (uint)reader.GetInt64(8));
}
