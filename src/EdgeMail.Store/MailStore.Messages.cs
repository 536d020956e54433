using System.Buffers;
using System.Runtime.CompilerServices;
using EdgeMail.Store.Bodies;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Data;
using EdgeMail.Store.Messages;
using EdgeMail.Store.Mime;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    private const int EnumeratePageRows = 1000;

    /// <summary>
    /// Appends a message. The body is read once: up to InlineBodyMaxBytes into a pooled buffer (then
    /// appended to the shared segment by the writer loop), beyond that into a staged file fsynced here.
    /// The MIME summary is computed before the write is queued, so the writer loop does no parsing.
    /// </summary>
    public async Task<AppendResult> AppendAsync(long mailboxId, AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireBodies();

        var keywords = NormalizeKeywords(request.Keywords);
        var internalDate = request.InternalDate ?? _time.GetUtcNow();
        using var prepared = await PrepareBodyAsync(request.Body, cancellationToken, request.KeepLineEnds).ConfigureAwait(false);
        var summaryBytes = prepared.SummaryBytes;
        var sha256 = prepared.Sha256;
        var size = prepared.Size;
        var op = new WriteOp<AppendResult>((tx, op) =>
        {
            var location = op.Location!.Value;
            var mailbox = FindMailbox(tx, mailboxId) ?? throw new StoreException(StoreError.NotFound, "no such mailbox");
            var bodyId = InsertBody(tx, location, summaryBytes, sha256);
            var (uid, modseq) = AllocateUids(tx, mailbox, 1);
            InsertMessage(tx, mailboxId, uid, modseq, request.Flags, keywords, internalDate, size, bodyId);
            op.Changes.Add(new MailboxChange(ChangeKind.Appended, mailbox.AccountId, mailboxId, uid, modseq, request.Flags, keywords));
            return new AppendResult(mailboxId, mailbox.UidValidity, uid, modseq, size);
        });
        prepared.HandTo(op);
        return await _writes.Enqueue(op).ConfigureAwait(false);
    }

    /// <summary>
    /// A staging stream for one message: the protocols write what they receive into it once, and
    /// <see cref="AppendAsync"/> or <see cref="DeliverAsync"/> adopts it as the body without a copy (see
    /// <see cref="MessageStaging"/>). <paramref name="maxBytes"/> lowers the store's own Storage:MaxMessageBytes.
    /// </summary>
    public MessageStaging CreateStaging(long? maxBytes = null) => CreateStaging(maxBytes, keepLineEnds: false);

    private MessageStaging CreateStaging(long? maxBytes, bool keepLineEnds)
    {
        var bodies = RequireBodies();
        var limit = Math.Min(maxBytes ?? long.MaxValue, _options.MaxMessageBytes);
        return new MessageStaging(bodies.TempPath, _options.InlineBodyMaxBytes, limit, convertLineEnds: !keepLineEnds);
    }

    /// <summary>
    /// A scratch file in the store's temporary folder (same file system as the mail, cleaned at start), removed when
    /// the stream is closed: for what a protocol must hold that is too large for memory (a decoded BINARY part).
    /// </summary>
    public Stream CreateTemporaryFile()
    {
        var folder = RequireBodies().TempPath;
        Directory.CreateDirectory(folder);
        return new FileStream(System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
    }

    /// <summary>The body files, which only the service writes; the command line opens the store without them.</summary>
    private BodyFiles RequireBodies() =>
        _bodies ?? throw new StoreException(StoreError.NotAllowed, "messages are written by the running service, not by the command line");

    /// <summary>
    /// Makes a body ready for its write: a <see cref="MessageStaging"/> is adopted as it is; any other stream is
    /// written into one first. Either way the MIME summary is computed here, before the write is queued, so that the
    /// writer loop does no parsing. This is where all mail enters the store (APPEND, delivery, the relay queue), and
    /// where a bare LF gets its CR (RFC 5322 §2.3): IMAP and POP3 serve CRLF lines (RFC 9051 §2.3.1, RFC 1939 §3),
    /// and converting here makes the stored bytes, the summary's offsets and RFC822.SIZE the same thing.
    /// <paramref name="keepLineEnds"/> stores the bytes as they come, as releases before this did (for tests of
    /// mail stored then).
    /// </summary>
    private async Task<PreparedBody> PrepareBodyAsync(Stream body, CancellationToken cancellationToken, bool keepLineEnds = false)
    {
        if (body is MessageStaging staged)
        {
            try
            {
                return await staged.CompleteAsync(Summarize, _summaryJson, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await staged.DisposeAsync().ConfigureAwait(false);
            }
        }

        await using var staging = CreateStaging(null, keepLineEnds);
        await body.CopyToAsync(staging, 64 * 1024, cancellationToken).ConfigureAwait(false);
        return await staging.CompleteAsync(Summarize, _summaryJson, cancellationToken).ConfigureAwait(false);

        MessageSummary Summarize(Stream stream) => MimeSummarizer.Summarize(stream, ParserOptionsFor(), cancellationToken);
    }

    /// <summary>
    /// Streams a mailbox's messages in UID order, a page of rows at a time, so that a 100,000-message
    /// mailbox is never in memory at once. Each page is read in its own short read transaction.
    /// </summary>
    public IAsyncEnumerable<MessageRecord> EnumerateAsync(long mailboxId, uint fromUid = 1, uint toUid = uint.MaxValue, CancellationToken cancellationToken = default) =>
        PageAsync(
            $"""
            SELECT {MessageColumn.List("")} FROM messages
            WHERE mailbox_id = $m AND uid >= $from AND uid <= $to ORDER BY uid LIMIT $n
            """,
            mailboxId,
            fromUid,
            toUid,
            reader =>
            {
                var record = ReadMessage(reader);
                return (record, record.Uid);
            },
            cancellationToken);

    /// <summary>
    /// Runs a query over a mailbox's messages a page of <see cref="EnumeratePageRows"/> rows at a time, in UID
    /// order; the query takes $m, $from, $to and $n. Each page is its own short read transaction.
    /// </summary>
    private async IAsyncEnumerable<T> PageAsync<T>(string sql, long mailboxId, uint fromUid, uint toUid, Func<SqliteDataReader, (T Item, uint Uid)> read, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var next = (long)fromUid;
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var from = command.Parameters.Add("$from", SqliteType.Integer);
        command.Parameters.AddWithValue("$m", mailboxId);
        command.Parameters.AddWithValue("$to", (long)toUid);
        command.Parameters.AddWithValue("$n", EnumeratePageRows);
        while (true)
        {
            from.Value = next;
            var rows = 0;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var (item, uid) = read(reader);
                    next = (long)uid + 1;
                    rows++;
                    yield return item;
                }
            }

            if (rows < EnumeratePageRows)
            {
                yield break;
            }
        }
    }

    public async Task<MessageRecord?> GetMessageAsync(long mailboxId, uint uid, CancellationToken cancellationToken = default)
    {
        await foreach (var record in EnumerateAsync(mailboxId, uid, uid, cancellationToken).ConfigureAwait(false))
        {
            return record;
        }

        return null;
    }

    /// <summary>The envelope and part tree computed at delivery.</summary>
    public async Task<MessageSummary> GetSummaryAsync(long bodyId, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenReader();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT summary FROM bodies WHERE id = $id";
        command.Parameters.AddWithValue("$id", bodyId);
        var bytes = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[]
            ?? throw new StoreException(StoreError.NotFound, "the message no longer exists");
        return System.Text.Json.JsonSerializer.Deserialize(bytes, _summaryJson)!;
    }

    /// <summary>Opens a stored body for reading from any offset; its space is kept while the stream is open.</summary>
    public async Task<Stream> OpenBodyAsync(long bodyId, CancellationToken cancellationToken = default)
    {
        // Marked as being read before its location is looked up: an expunge that commits after the
        // lookup then keeps the space (it checks OpenBodies), so the bytes read stay the message's.
        _openBodies.Enter(bodyId);
        try
        {
            BodyLocation location;
            await using (var connection = OpenReader())
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT segment, offset, length, file FROM bodies WHERE id = $id";
                command.Parameters.AddWithValue("$id", bodyId);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw new StoreException(StoreError.NotFound, "the message no longer exists");
                }

                location = new BodyLocation(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            }

            return _bodies is { } bodies
                ? bodies.OpenRead(location, () => _openBodies.Leave(bodyId))
                : BodyFiles.OpenRead(_bodiesPath, location, () => _openBodies.Leave(bodyId));
        }
        catch
        {
            _openBodies.Leave(bodyId);
            throw;
        }
    }

    /// <summary>
    /// STORE (RFC 9051 §6.4.6) with CONDSTORE's UNCHANGEDSINCE (RFC 7162 §3.2): every message actually
    /// changed gets the one new MODSEQ of this operation; messages modified after unchangedSince are
    /// left alone and reported.
    /// </summary>
    public Task<StoreFlagsResult> StoreFlagsAsync(long mailboxId, IReadOnlyList<uint> uids, FlagOperation operation, MessageFlags flags, IReadOnlyCollection<string>? keywords = null, ulong? unchangedSince = null, CancellationToken cancellationToken = default)
    {
        var given = NormalizeKeywords(keywords);
        var uidJson = UidJson(uids);
        return _writes.Enqueue(new WriteOp<StoreFlagsResult>((tx, op) =>
        {
            var mailbox = FindMailbox(tx, mailboxId) ?? throw new StoreException(StoreError.NotFound, "no such mailbox");
            var modseq = mailbox.HighestModSeq + 1;
            var changed = new List<FlagChange>();
            var modified = new List<uint>();
            var select = tx.Command("SELECT uid, modseq, flags, keywords FROM messages WHERE mailbox_id = $m AND uid IN (SELECT value FROM json_each($u)) ORDER BY uid");
            select.Parameters.AddWithValue("$m", mailboxId);
            select.Parameters.AddWithValue("$u", uidJson);
            var rows = new List<(uint Uid, ulong ModSeq, MessageFlags Flags, string[] Keywords)>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(((uint)reader.GetInt64(0), (ulong)reader.GetInt64(1), (MessageFlags)reader.GetInt32(2), SplitKeywords(reader.IsDBNull(3) ? null : reader.GetString(3))));
                }
            }

            foreach (var (uid, current, oldFlags, oldKeywords) in rows)
            {
                if (unchangedSince is { } since && current > since)
                {
                    modified.Add(uid);
                    continue;
                }

                var newFlags = operation switch
                {
                    FlagOperation.Replace => flags,
                    FlagOperation.Add => oldFlags | flags,
                    _ => oldFlags & ~flags,
                };
                var newKeywords = operation switch
                {
                    FlagOperation.Replace => given,
                    FlagOperation.Add => oldKeywords.Union(given, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                    _ => oldKeywords.Except(given, StringComparer.Ordinal).ToArray(),
                };
                if (newFlags == oldFlags && newKeywords.AsSpan().SequenceEqual(oldKeywords))
                {
                    continue;
                }

                var update = tx.Command("UPDATE messages SET flags = $f, keywords = $k, modseq = $ms WHERE mailbox_id = $m AND uid = $uid");
                update.Parameters.AddWithValue("$f", (int)newFlags);
                update.Parameters.AddWithValue("$k", newKeywords.Length == 0 ? DBNull.Value : string.Join(' ', newKeywords));
                update.Parameters.AddWithValue("$ms", (long)modseq);
                update.Parameters.AddWithValue("$m", mailboxId);
                update.Parameters.AddWithValue("$uid", (long)uid);
                update.ExecuteNonQuery();
                changed.Add(new FlagChange(uid, newFlags, newKeywords, modseq));
                op.Changes.Add(new MailboxChange(ChangeKind.FlagsChanged, mailbox.AccountId, mailboxId, uid, modseq, newFlags, newKeywords));
            }

            if (changed.Count > 0)
            {
                SetHighestModSeq(tx, mailboxId, modseq);
            }

            return new StoreFlagsResult(changed, modified);
        }));
    }

    /// <summary>
    /// EXPUNGE (RFC 9051 §6.4.3) or UID EXPUNGE (§6.4.9 / RFC 4315 §2.1): removes the messages marked
    /// \Deleted, all of them or those among <paramref name="uids"/>. Returns the expunged UIDs in order.
    /// </summary>
    public Task<IReadOnlyList<uint>> ExpungeAsync(long mailboxId, IReadOnlyList<uint>? uids = null, bool onlyDeleted = true, CancellationToken cancellationToken = default)
    {
        var uidJson = uids is null ? null : UidJson(uids);
        return _writes.Enqueue(new WriteOp<IReadOnlyList<uint>>((tx, op) =>
        {
            var mailbox = FindMailbox(tx, mailboxId) ?? throw new StoreException(StoreError.NotFound, "no such mailbox");
            return RemoveMessages(tx, op, mailbox, uidJson, onlyDeleted);
        }));
    }

    /// <summary>COPY (RFC 9051 §6.4.7) with COPYUID (RFC 4315 §3): copies share the stored body.</summary>
    public Task<CopyResult> CopyAsync(long sourceMailboxId, IReadOnlyList<uint> uids, long targetMailboxId, CancellationToken cancellationToken = default) =>
        CopyOrMove(sourceMailboxId, uids, targetMailboxId, move: false);

    /// <summary>MOVE (RFC 6851 §3): the copy and the expunge from the source commit together.</summary>
    public Task<CopyResult> MoveAsync(long sourceMailboxId, IReadOnlyList<uint> uids, long targetMailboxId, CancellationToken cancellationToken = default) =>
        CopyOrMove(sourceMailboxId, uids, targetMailboxId, move: true);

    private Task<CopyResult> CopyOrMove(long sourceMailboxId, IReadOnlyList<uint> uids, long targetMailboxId, bool move)
    {
        var uidJson = UidJson(uids);
        return _writes.Enqueue(new WriteOp<CopyResult>((tx, op) =>
        {
            var source = FindMailbox(tx, sourceMailboxId) ?? throw new StoreException(StoreError.NotFound, "no such source mailbox");
            var target = FindMailbox(tx, targetMailboxId) ?? throw new StoreException(StoreError.NotFound, "no such target mailbox");
            var select = tx.Command("SELECT uid, flags, keywords, internal_date, size, body_id, internal_offset FROM messages WHERE mailbox_id = $m AND uid IN (SELECT value FROM json_each($u)) ORDER BY uid");
            select.Parameters.AddWithValue("$m", sourceMailboxId);
            select.Parameters.AddWithValue("$u", uidJson);
            var rows = new List<(uint Uid, MessageFlags Flags, string[] Keywords, DateTimeOffset Date, long Size, long Body)>();
            using (var reader = select.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add(((uint)reader.GetInt64(0), (MessageFlags)reader.GetInt32(1), SplitKeywords(reader.IsDBNull(2) ? null : reader.GetString(2)), InternalDate(reader.GetInt64(3), reader.GetInt32(6)), reader.GetInt64(4), reader.GetInt64(5)));
                }
            }

            var sourceUids = new List<uint>(rows.Count);
            var targetUids = new List<uint>(rows.Count);
            if (rows.Count == 0)
            {
                return new CopyResult(target.UidValidity, sourceUids, targetUids);
            }

            var (firstUid, modseq) = AllocateUids(tx, target, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                var uid = firstUid + (uint)i;
                InsertMessage(tx, targetMailboxId, uid, modseq, row.Flags, row.Keywords, row.Date, row.Size, row.Body);
                op.Changes.Add(new MailboxChange(ChangeKind.Appended, target.AccountId, targetMailboxId, uid, modseq, row.Flags, row.Keywords));
                sourceUids.Add(row.Uid);
                targetUids.Add(uid);
            }

            if (move)
            {
                RemoveMessages(tx, op, source, UidJson(sourceUids), onlyDeleted: false);
            }

            return new CopyResult(target.UidValidity, sourceUids, targetUids);
        }));
    }

    private List<uint> RemoveMessages(WriteTx tx, WriteOp op, Mailboxes.MailboxInfo mailbox, string? uidJson, bool onlyDeleted)
    {
        var modseq = mailbox.HighestModSeq + 1;
        // Two statements rather than "$u IS NULL OR uid IN (...)": the OR would keep SQLite from using the
        // primary key, and expunging one UID would scan the whole mailbox.
        var delete = tx.Command(uidJson is null
            ? """
              DELETE FROM messages WHERE mailbox_id = $m AND ($d = 0 OR (flags & 8) != 0)
              RETURNING uid, body_id
              """
            : """
              DELETE FROM messages WHERE mailbox_id = $m AND uid IN (SELECT value FROM json_each($u))
                AND ($d = 0 OR (flags & 8) != 0)
              RETURNING uid, body_id
              """);
        delete.Parameters.AddWithValue("$m", mailbox.Id);
        if (uidJson is not null)
        {
            delete.Parameters.AddWithValue("$u", uidJson);
        }

        delete.Parameters.AddWithValue("$d", onlyDeleted ? 1 : 0);
        var removed = new List<uint>();
        var bodyIds = new List<long>();
        using (var reader = delete.ExecuteReader())
        {
            while (reader.Read())
            {
                removed.Add((uint)reader.GetInt64(0));
                bodyIds.Add(reader.GetInt64(1));
            }
        }

        removed.Sort();
        foreach (var uid in removed)
        {
            RecordExpunged(tx, mailbox.Id, uid, modseq);
            op.Changes.Add(new MailboxChange(ChangeKind.Expunged, mailbox.AccountId, mailbox.Id, uid, modseq));
        }

        if (removed.Count > 0)
        {
            SetHighestModSeq(tx, mailbox.Id, modseq);
            CollectDeadBodies(tx, op, bodyIds);
        }

        return removed;
    }

    /// <summary>Deletes the body rows no message refers to any more, and notes their space for reclaiming after the commit.</summary>
    private void CollectDeadBodies(WriteTx tx, WriteOp op, List<long> bodyIds)
    {
        foreach (var bodyId in bodyIds.Distinct())
        {
            var delete = tx.Command("DELETE FROM bodies WHERE id = $b AND NOT EXISTS(SELECT 1 FROM messages WHERE body_id = $b) RETURNING segment, offset, length, file");
            delete.Parameters.AddWithValue("$b", bodyId);
            using var reader = delete.ExecuteReader();
            if (!reader.Read())
            {
                continue;
            }

            var location = new BodyLocation(reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3));
            if (!_openBodies.IsOpen(bodyId))
            {
                op.Reclaimed.Add(location);
            }

            if (location.Segment is { } segment)
            {
                var live = tx.Command("SELECT EXISTS(SELECT 1 FROM bodies WHERE segment = $s)");
                live.Parameters.AddWithValue("$s", segment);
                if ((long)live.ExecuteScalar()! == 0)
                {
                    op.SegmentsMaybeDead.Add(segment);
                }
            }
        }
    }

    private static long InsertBody(WriteTx tx, BodyLocation location, byte[] summary, byte[] sha256)
    {
        var insert = tx.Command("INSERT INTO bodies(segment, offset, length, file, summary, sha256) VALUES($s, $o, $l, $f, $y, $h) RETURNING id");
        insert.Parameters.AddWithValue("$h", sha256);
        insert.Parameters.AddWithValue("$s", (object?)location.Segment ?? DBNull.Value);
        insert.Parameters.AddWithValue("$o", location.Offset);
        insert.Parameters.AddWithValue("$l", location.Length);
        insert.Parameters.AddWithValue("$f", (object?)location.File ?? DBNull.Value);
        insert.Parameters.AddWithValue("$y", summary);
        return (long)insert.ExecuteScalar()!;
    }

    private static void InsertMessage(WriteTx tx, long mailboxId, uint uid, ulong modseq, MessageFlags flags, string[] keywords, DateTimeOffset internalDate, long size, long bodyId)
    {
        var insert = tx.Command("""
            INSERT INTO messages(mailbox_id, uid, modseq, flags, keywords, internal_date, size, body_id, internal_offset)
            VALUES($m, $u, $ms, $f, $k, $d, $z, $b, $o)
            """);
        insert.Parameters.AddWithValue("$m", mailboxId);
        insert.Parameters.AddWithValue("$u", (long)uid);
        insert.Parameters.AddWithValue("$ms", (long)modseq);
        insert.Parameters.AddWithValue("$f", (int)flags);
        insert.Parameters.AddWithValue("$k", keywords.Length == 0 ? DBNull.Value : string.Join(' ', keywords));
        insert.Parameters.AddWithValue("$d", internalDate.ToUnixTimeMilliseconds());
        insert.Parameters.AddWithValue("$o", (int)internalDate.Offset.TotalMinutes);
        insert.Parameters.AddWithValue("$z", size);
        insert.Parameters.AddWithValue("$b", bodyId);
        insert.ExecuteNonQuery();
    }

    /// <summary>Takes <paramref name="count"/> UIDs and one new MODSEQ for them (RFC 9051 §2.3.1.1: UIDs strictly ascend).</summary>
    private static (uint FirstUid, ulong ModSeq) AllocateUids(WriteTx tx, Mailboxes.MailboxInfo mailbox, int count)
    {
        var update = tx.Command("UPDATE mailboxes SET uidnext = uidnext + $n, highestmodseq = highestmodseq + 1 WHERE id = $m RETURNING uidnext - $n, highestmodseq");
        update.Parameters.AddWithValue("$n", count);
        update.Parameters.AddWithValue("$m", mailbox.Id);
        using var reader = update.ExecuteReader();
        reader.Read();
        var first = reader.GetInt64(0);
        if (first + count > uint.MaxValue)
        {
            throw new StoreException(StoreError.NotAllowed, "the mailbox has run out of UIDs");
        }

        return ((uint)first, (ulong)reader.GetInt64(1));
    }

    private static void SetHighestModSeq(WriteTx tx, long mailboxId, ulong modseq)
    {
        var update = tx.Command("UPDATE mailboxes SET highestmodseq = $ms WHERE id = $m");
        update.Parameters.AddWithValue("$ms", (long)modseq);
        update.Parameters.AddWithValue("$m", mailboxId);
        update.ExecuteNonQuery();
    }

    private static void RecordExpunged(WriteTx tx, long mailboxId, uint uid, ulong modseq)
    {
        var insert = tx.Command("INSERT OR REPLACE INTO expunged(mailbox_id, uid, modseq) VALUES($m, $u, $ms)");
        insert.Parameters.AddWithValue("$m", mailboxId);
        insert.Parameters.AddWithValue("$u", (long)uid);
        insert.Parameters.AddWithValue("$ms", (long)modseq);
        insert.ExecuteNonQuery();
    }

    // Columns: mailbox_id, uid, modseq, flags, keywords, internal_date, size, body_id, and internal_offset at
    // offsetColumn (last in each query).
    /// <summary>A message row whose first columns are <see cref="MessageColumn.List"/>.</summary>
    private static MessageRecord ReadMessage(SqliteDataReader reader) =>
        new(
            reader.GetInt64(MessageColumn.MailboxId),
            (uint)reader.GetInt64(MessageColumn.Uid),
            (ulong)reader.GetInt64(MessageColumn.ModSeq),
            (MessageFlags)reader.GetInt32(MessageColumn.Flags),
            SplitKeywords(reader.IsDBNull(MessageColumn.Keywords) ? null : reader.GetString(MessageColumn.Keywords)),
            InternalDate(reader.GetInt64(MessageColumn.InternalDate), reader.GetInt32(MessageColumn.InternalOffset)),
            reader.GetInt64(MessageColumn.Size),
            reader.GetInt64(MessageColumn.BodyId));

    /// <summary>The columns a message row is read from, in order, and their ordinals; a query may add columns after them.</summary>
    private static class MessageColumn
    {
        public const int MailboxId = 0;
        public const int Uid = 1;
        public const int ModSeq = 2;
        public const int Flags = 3;
        public const int Keywords = 4;
        public const int InternalDate = 5;
        public const int InternalOffset = 6;
        public const int Size = 7;
        public const int BodyId = 8;

        /// <summary>The first ordinal after them.</summary>
        public const int Count = 9;

        /// <summary>The select list, each column with <paramref name="table"/> before it ("m." in a join).</summary>
        public static string List(string table) =>
            $"{table}mailbox_id, {table}uid, {table}modseq, {table}flags, {table}keywords, {table}internal_date, {table}internal_offset, {table}size, {table}body_id";
    }

    // The instant, shown in the time zone it was given in.
    private static DateTimeOffset InternalDate(long unixMilliseconds, int offsetMinutes) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToOffset(TimeSpan.FromMinutes(offsetMinutes));

    private static string[] SplitKeywords(string? text) => string.IsNullOrEmpty(text) ? [] : text.Split(' ');

    /// <summary>Keywords are atoms (RFC 9051 §9 flag-keyword): no space, no control, no specials; kept sorted and distinct.</summary>
    private static string[] NormalizeKeywords(IReadOnlyCollection<string>? keywords)
    {
        if (keywords is null || keywords.Count == 0)
        {
            return [];
        }

        foreach (var keyword in keywords)
        {
            if (string.IsNullOrEmpty(keyword) || keyword.Length > 100 || keyword[0] == '\\' || keyword.Any(c => c <= ' ' || c >= 0x7F || c is '(' or ')' or '{' or '%' or '*' or '"' or ']'))
            {
                throw new StoreException(StoreError.InvalidName, $"not a valid keyword: {keyword}");
            }
        }

        return keywords.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static string UidJson(IEnumerable<uint> uids) => "[" + string.Join(',', uids) + "]";

    /// <summary>How MIME is parsed from stored mail, with Storage:MaxMimeDepth: for the summary here and for SEARCH's text.</summary>
    public ParserOptions ParserOptionsFor() => new() { MaxMimeDepth = _options.MaxMimeDepth };
}
