using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

/// <summary>What a client that synchronizes needs: a mailbox's UIDs, and what was expunged since a MODSEQ.</summary>
public sealed partial class MailStore
{
    /// <summary>
    /// Every UID of a mailbox in ascending order (IMAP's sequence-number map), 4 bytes per message:
    /// 400 KB for 100,000 messages.
    /// </summary>
    public async Task<uint[]> ListUidsAsync(long mailboxId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$m", mailboxId);
        command.CommandText = "SELECT uid FROM messages WHERE mailbox_id = $m ORDER BY uid";
        return [.. await ReadUidsAsync(command, cancellationToken).ConfigureAwait(false)];
    }

    /// <summary>
    /// UIDs expunged from a mailbox after the given MODSEQ, ascending (RFC 7162 §3.2.5.2 VANISHED (EARLIER)).
    /// The store keeps a tombstone per expunged UID for as long as the mailbox exists.
    /// </summary>
    public async Task<IReadOnlyList<uint>> ListExpungedSinceAsync(long mailboxId, ulong modSeq, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT uid FROM expunged WHERE mailbox_id = $m AND modseq > $s ORDER BY uid";
        command.Parameters.AddWithValue("$m", mailboxId);
        command.Parameters.Add("$s", SqliteType.Integer).Value = (long)modSeq;
        return await ReadUidsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lowest UID without \Seen, or 0 (RFC 3501 §6.3.1 OK [UNSEEN n]).</summary>
    public async Task<uint> FirstUnseenUidAsync(long mailboxId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        // The expression matches the partial index messages_unseen, so this is one index lookup.
        command.CommandText = "SELECT min(uid) FROM messages WHERE mailbox_id = $m AND (flags & 1) = 0";
        command.Parameters.AddWithValue("$m", mailboxId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long uid ? (uint)uid : 0;
    }

    /// <summary>
    /// Like <see cref="EnumerateAsync"/>, with each message's envelope and part tree read in the same query
    /// (FETCH ENVELOPE or BODYSTRUCTURE over a whole mailbox costs one query per page, not one per message).
    /// </summary>
    public IAsyncEnumerable<(MessageRecord Record, MessageSummary Summary)> EnumerateWithSummariesAsync(long mailboxId, uint fromUid = 1, uint toUid = uint.MaxValue, CancellationToken cancellationToken = default) =>
        PageAsync(
            $"""
            SELECT {MessageColumn.List("m.")}, b.summary
            FROM messages m JOIN bodies b ON b.id = m.body_id
            WHERE m.mailbox_id = $m AND m.uid >= $from AND m.uid <= $to ORDER BY m.uid LIMIT $n
            """,
            mailboxId,
            fromUid,
            toUid,
            reader =>
            {
                var record = ReadMessage(reader);
                var summary = System.Text.Json.JsonSerializer.Deserialize((byte[])reader.GetValue(MessageColumn.Count), _summaryJson)!;
                return ((record, summary), record.Uid);
            },
            cancellationToken);

    /// <summary>The UIDs of the messages without \Seen, ascending (SEARCH UNSEEN through the partial index).</summary>
    public async Task<IReadOnlyList<uint>> ListUnseenUidsAsync(long mailboxId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT uid FROM messages WHERE mailbox_id = $m AND (flags & 1) = 0 ORDER BY uid";
        command.Parameters.AddWithValue("$m", mailboxId);
        return await ReadUidsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The first column of every row, as UIDs, in the query's order.</summary>
    private static async Task<List<uint>> ReadUidsAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var uids = new List<uint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uids.Add((uint)reader.GetInt64(0));
        }

        return uids;
    }
}
