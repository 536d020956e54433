using System.Buffers;
using EdgeMail.Store.Bodies;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Data;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;
using EdgeMail.Store.Queue;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    private const string QueueRecipientColumns = "id, message_id, address, orcpt, notify, state, attempts, next_attempt, last_attempt, last_error, unreachable";

    /// <summary>
    /// Delivers one message to local mailboxes and/or the relay queue in one durable batch: the body is stored
    /// once and shared by every copy and by the queue entry, and everything commits together, so a crash leaves
    /// all of it or none. Concurrent deliveries share their fsyncs (group commit).
    /// </summary>
    public async Task<DeliveryResult> DeliverAsync(DeliveryRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireBodies();

        if (request.MailboxIds.Count == 0 && request.Relay is null)
        {
            throw new ArgumentException("a delivery needs a mailbox or a relay envelope", nameof(request));
        }

        var internalDate = request.InternalDate ?? _time.GetUtcNow();
        using var prepared = await PrepareBodyAsync(request.Body, cancellationToken).ConfigureAwait(false);
        var summaryBytes = prepared.SummaryBytes;
        var sha256 = prepared.Sha256;
        var size = prepared.Size;
        var mailboxIds = request.MailboxIds.ToArray();
        var relay = request.Relay;
        var fetched = request.Fetched;
        var op = new WriteOp<DeliveryResult>((tx, op) =>
        {
            if (fetched is not null)
            {
                RecordFetched(tx, fetched);
            }

            var bodyId = InsertBody(tx, op.Location!.Value, summaryBytes, sha256);
            var appended = new List<AppendResult>(mailboxIds.Length);
            foreach (var mailboxId in mailboxIds)
            {
                var mailbox = FindMailbox(tx, mailboxId) ?? throw new StoreException(StoreError.NotFound, "no such mailbox");
                var (uid, modseq) = AllocateUids(tx, mailbox, 1);
                InsertMessage(tx, mailboxId, uid, modseq, MessageFlags.None, [], internalDate, size, bodyId);
                op.Changes.Add(new MailboxChange(ChangeKind.Appended, mailbox.AccountId, mailboxId, uid, modseq, MessageFlags.None, []));
                appended.Add(new AppendResult(mailboxId, mailbox.UidValidity, uid, modseq, size));
            }

            long? queueId = relay is null ? null : InsertQueued(tx, relay, bodyId, size, internalDate);
            if (request.CompletesQueueMessage is { } finished)
            {
                RemoveQueued(tx, op, finished);
            }

            return new DeliveryResult(appended, queueId, size);
        });
        prepared.HandTo(op);
        return await _writes.Enqueue(op).ConfigureAwait(false);
    }

    /// <summary>Every queued message with its recipients, oldest first.</summary>
    public Task<IReadOnlyList<QueuedMessage>> ListQueueAsync(CancellationToken cancellationToken = default) =>
        ReadQueueAsync("1 = 1", null, cancellationToken);

    public async Task<QueuedMessage?> GetQueuedAsync(long id, CancellationToken cancellationToken = default) =>
        (await ReadQueueAsync("id = $p", id, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Messages with at least one recipient due at <paramref name="now"/>, with all their recipients.</summary>
    public Task<IReadOnlyList<QueuedMessage>> GetDueQueueAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadQueueAsync("id IN (SELECT message_id FROM queue_recipients WHERE state = 0 AND next_attempt <= $p)", now.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>Messages whose recipients are all delivered or failed: left for reporting and removal.</summary>
    public Task<IReadOnlyList<QueuedMessage>> GetFinishedQueueAsync(CancellationToken cancellationToken = default) =>
        ReadQueueAsync("NOT EXISTS(SELECT 1 FROM queue_recipients r WHERE r.message_id = queue_messages.id AND r.state IN (0, 1))", null, cancellationToken);

    /// <summary>When the next queued recipient is due, or null if none waits.</summary>
    public async Task<DateTimeOffset?> GetNextQueueDueAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(next_attempt) FROM queue_recipients WHERE state = 0";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }

    public async Task<QueueCounts> GetQueueCountsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM queue_messages),
                   (SELECT COUNT(*) FROM queue_recipients WHERE state IN (0, 1)),
                   (SELECT COUNT(*) FROM queue_recipients WHERE state IN (0, 1) AND attempts > 0),
                   (SELECT MIN(created) FROM queue_messages)
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new QueueCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
    }

    /// <summary>
    /// Records, before an attempt, that these recipients are being sent: a crash during the attempt then shows
    /// in the queue as an interrupted attempt rather than as an untouched entry.
    /// </summary>
    public Task MarkSendingAsync(IReadOnlyList<long> recipientIds, CancellationToken cancellationToken = default)
    {
        var ids = IdJson(recipientIds);
        var now = NowUnixMs();
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            var update = tx.Command("UPDATE queue_recipients SET state = 1, attempts = attempts + 1, last_attempt = $now WHERE state = 0 AND id IN (SELECT value FROM json_each($ids))");
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$ids", ids);
            update.ExecuteNonQuery();
            return true;
        }));
    }

    /// <summary>Records the outcome of an attempt for each recipient, after it.</summary>
    public Task RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return _writes.Enqueue(new WriteOp<bool>((tx, _) =>
        {
            foreach (var outcome in outcomes)
            {
                var update = tx.Command("UPDATE queue_recipients SET state = $s, last_error = $e, next_attempt = $n, unreachable = $u WHERE id = $id");
                update.Parameters.AddWithValue("$s", (int)outcome.State);
                update.Parameters.AddWithValue("$e", (object?)outcome.Error ?? DBNull.Value);
                update.Parameters.AddWithValue("$n", outcome.NextAttempt.ToUnixTimeMilliseconds());
                update.Parameters.AddWithValue("$u", outcome.Unreachable ? 1 : 0);
                update.Parameters.AddWithValue("$id", outcome.RecipientId);
                update.ExecuteNonQuery();
            }

            return true;
        }));
    }

    /// <summary>
    /// At the start of the service: attempts a crash interrupted go back to the queue, due now. Their outcome is
    /// unknown, so they are sent again; that is the only duplicate a crash can cause.
    /// </summary>
    public Task<int> RequeueInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var now = NowUnixMs();
        return _writes.Enqueue(new WriteOp<int>((tx, _) =>
        {
            var update = tx.Command("UPDATE queue_recipients SET state = 0, next_attempt = $now, last_error = 'interrupted attempt' WHERE state = 1");
            update.Parameters.AddWithValue("$now", now);
            return update.ExecuteNonQuery();
        }));
    }

    /// <summary>
    /// Makes recipients due now: all that wait (<c>edgemail queue flush</c>), or only those waiting because the
    /// upstream did not answer (when it is seen again). Returns how many.
    /// </summary>
    public Task<int> FlushQueueAsync(bool onlyUnreachable = false, CancellationToken cancellationToken = default)
    {
        var now = NowUnixMs();
        return _writes.Enqueue(new WriteOp<int>((tx, _) =>
        {
            var update = tx.Command("UPDATE queue_recipients SET next_attempt = $now WHERE state = 0 AND next_attempt > $now AND ($only = 0 OR unreachable = 1)");
            update.Parameters.AddWithValue("$now", now);
            update.Parameters.AddWithValue("$only", onlyUnreachable ? 1 : 0);
            return update.ExecuteNonQuery();
        }));
    }

    /// <summary>Removes a queued message without sending or reporting it; false if there was none.</summary>
    public Task<bool> DeleteQueuedAsync(long id, CancellationToken cancellationToken = default) =>
        _writes.Enqueue(new WriteOp<bool>((tx, op) => RemoveQueued(tx, op, id)));

    private static long InsertQueued(WriteTx tx, RelayEnvelope relay, long bodyId, long size, DateTimeOffset now)
    {
        var insert = tx.Command("""
            INSERT INTO queue_messages(sender, account_id, created, expires, body_id, size, envid, ret)
            VALUES($s, $a, $c, $x, $b, $z, $e, $r) RETURNING id
            """);
        insert.Parameters.AddWithValue("$s", relay.Sender);
        insert.Parameters.AddWithValue("$a", (object?)relay.AccountId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$c", now.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$x", relay.Expires.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$b", bodyId);
        insert.Parameters.AddWithValue("$z", size);
        insert.Parameters.AddWithValue("$e", (object?)relay.EnvelopeId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$r", (int)relay.Return);
        var id = (long)insert.ExecuteScalar()!;
        foreach (var recipient in relay.Recipients)
        {
            var row = tx.Command("INSERT INTO queue_recipients(message_id, address, orcpt, notify, next_attempt) VALUES($m, $a, $o, $n, $t)");
            row.Parameters.AddWithValue("$m", id);
            row.Parameters.AddWithValue("$a", recipient.Address);
            row.Parameters.AddWithValue("$o", (object?)recipient.OriginalRecipient ?? DBNull.Value);
            row.Parameters.AddWithValue("$n", (int)recipient.Notify);
            row.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
            row.ExecuteNonQuery();
        }

        return id;
    }

    private bool RemoveQueued(WriteTx tx, WriteOp op, long id)
    {
        var delete = tx.Command("DELETE FROM queue_messages WHERE id = $id RETURNING body_id");
        delete.Parameters.AddWithValue("$id", id);
        if (delete.ExecuteScalar() is not long bodyId)
        {
            return false;
        }

        CollectDeadBodies(tx, op, [bodyId]);
        return true;
    }

    private async Task<IReadOnlyList<QueuedMessage>> ReadQueueAsync(string where, long? parameter, CancellationToken cancellationToken)
    {
        await using var connection = OpenReader();
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var recipients = new Dictionary<long, List<QueuedRecipient>>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = $"SELECT {QueueRecipientColumns} FROM queue_recipients WHERE message_id IN (SELECT id FROM queue_messages WHERE {where}) ORDER BY id";
            command.Parameters.AddWithValue("$p", (object?)parameter ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var messageId = reader.GetInt64(1);
                if (!recipients.TryGetValue(messageId, out var list))
                {
                    recipients[messageId] = list = [];
                }

                list.Add(new QueuedRecipient(
                    reader.GetInt64(0),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    (DsnNotify)reader.GetInt32(4),
                    (RecipientState)reader.GetInt32(5),
                    reader.GetInt32(6),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
                    reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                    reader.IsDBNull(9) ? null : reader.GetString(9),
                    reader.GetInt32(10) != 0));
            }
        }

        var messages = new List<QueuedMessage>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = tx;
            command.CommandText = $"SELECT id, sender, account_id, created, expires, body_id, size, envid, ret FROM queue_messages WHERE {where} ORDER BY id";
            command.Parameters.AddWithValue("$p", (object?)parameter ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                messages.Add(new QueuedMessage(
                    id,
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                    reader.GetInt64(5),
                    reader.GetInt64(6),
                    reader.IsDBNull(7) ? null : reader.GetString(7),
                    (DsnReturn)reader.GetInt32(8),
                    recipients.TryGetValue(id, out var list) ? list : []));
            }
        }

        return messages;
    }

    private static string IdJson(IEnumerable<long> ids) => "[" + string.Join(',', ids) + "]";
}
