using EdgeMail.Store.Data;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    /// <summary>
    /// Notes that these messages were retrieved (POP3 RETR), keeping the time of the first retrieval. Rows of
    /// messages no longer in the mailbox are dropped in the same transaction, so the table does not grow.
    /// </summary>
    public Task RecordRetrievedAsync(long mailboxId, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uids);
        var uidJson = UidJson(uids);
        var now = NowUnixMs();
        return _writes.Enqueue(new WriteOp<int>((tx, _) =>
        {
            var insert = tx.Command("""
                INSERT OR IGNORE INTO retrieved(mailbox_id, uid, at)
                SELECT $m, uid, $at FROM messages WHERE mailbox_id = $m AND uid IN (SELECT value FROM json_each($u))
                """);
            insert.Parameters.AddWithValue("$m", mailboxId);
            insert.Parameters.AddWithValue("$at", now);
            insert.Parameters.AddWithValue("$u", uidJson);
            var added = insert.ExecuteNonQuery();
            var prune = tx.Command("DELETE FROM retrieved WHERE mailbox_id = $m AND NOT EXISTS(SELECT 1 FROM messages WHERE messages.mailbox_id = $m AND messages.uid = retrieved.uid)");
            prune.Parameters.AddWithValue("$m", mailboxId);
            prune.ExecuteNonQuery();
            return added;
        }));
    }

    /// <summary>The UIDs of messages still in the mailbox that were first retrieved at or before <paramref name="cutoff"/>, in order.</summary>
    public async Task<IReadOnlyList<uint>> ListRetrievedBeforeAsync(long mailboxId, DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.uid FROM retrieved r JOIN messages m ON m.mailbox_id = r.mailbox_id AND m.uid = r.uid
            WHERE r.mailbox_id = $m AND r.at <= $cutoff ORDER BY r.uid
            """;
        command.Parameters.AddWithValue("$m", mailboxId);
        command.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
        return await ReadUidsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>When the message was first retrieved, or null if it never was (or is gone).</summary>
    public async Task<DateTimeOffset?> GetRetrievedAsync(long mailboxId, uint uid, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT at FROM retrieved WHERE mailbox_id = $m AND uid = $u";
        command.Parameters.AddWithValue("$m", mailboxId);
        command.Parameters.AddWithValue("$u", (long)uid);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }
}
