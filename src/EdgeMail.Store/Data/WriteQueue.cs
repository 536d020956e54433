using System.Buffers;
using System.Threading.Channels;
using EdgeMail.Store.Bodies;
using EdgeMail.Store.Changes;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Store.Data;

/// <summary>
/// The single writer: group commit. Concurrent writes queue here; the loop takes all that are waiting
/// (up to MaxBatchWrites), appends their bodies to the segment, fsyncs the segment and the directory
/// once, runs every write's SQL in one transaction and commits it once (one WAL fsync), and only then
/// completes each caller's task and publishes the changes, in commit order.
/// </summary>
internal sealed partial class WriteQueue : IAsyncDisposable
{
    private readonly Channel<WriteOp> _queue = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Database _database;
    private readonly BodyFiles? _bodies;
    private readonly ChangeFeed _feed;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Task _loop;
    private readonly List<WriteOp> _batch = [];
    private readonly List<BodyLocation> _deadBodies = [];
    private readonly HashSet<long> _deadSegments = [];
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle? _reclaimGate;
    private long _batches;
    private long _writes;

    private readonly StoreHealth? _health;

    public WriteQueue(Database database, BodyFiles? bodies, ChangeFeed feed, int maxBatch, ILogger logger, StoreHealth? health = null)
    {
        _health = health;
        _database = database;
        _bodies = bodies;
        _feed = feed;
        _maxBatch = maxBatch;
        _logger = logger;
        _reclaimGate = bodies is null ? null : Backup.BackupHold.OpenLockFile(System.IO.Path.GetDirectoryName(database.Path)!);
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Batches committed and writes in them, for the benchmark's fsyncs-per-write figure.</summary>
    public (long Batches, long Writes) Counters => (Interlocked.Read(ref _batches), Interlocked.Read(ref _writes));

    public Task<T> Enqueue<T>(WriteOp<T> op)
    {
        if (!_queue.Writer.TryWrite(op))
        {
            ReturnInline(op);
            throw new ObjectDisposedException(nameof(MailStore), "the store is closed");
        }

        return op.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _reclaimGate?.Dispose();
    }

    private async Task RunAsync()
    {
        using var connection = _database.Open();
        var tx = new WriteTx(connection);
        try
        {
            while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                _batch.Clear();
                while (_batch.Count < _maxBatch && _queue.Reader.TryRead(out var op))
                {
                    _batch.Add(op);
                }

                RunBatch(tx);
            }
        }
        finally
        {
            tx.DisposeCommands();
        }
    }

    private void RunBatch(WriteTx tx)
    {
        var mark = _bodies?.Mark ?? default;
        var placed = new List<BodyLocation>();
        try
        {
            // 1-4 of the write order: bodies appended or moved in, then fsynced with their directory.
            foreach (var op in _batch)
            {
                if (op.Inline is { } inline)
                {
                    op.Location = _bodies!.Append(inline.AsSpan(0, op.InlineLength));
                    placed.Add(op.Location.Value);
                }
                else if (op.Staged is { } staged)
                {
                    op.Location = _bodies!.Adopt(staged);
                    placed.Add(op.Location.Value);
                }
            }

            _bodies?.Flush();
        }
        catch (Exception ex)
        {
            FailAll(ex, mark, placed);
            return;
        }

        // 5: one transaction, one savepoint per write.
        var failed = new bool[_batch.Count];
        try
        {
            tx.Transaction = tx.Connection.BeginTransaction(deferred: false);
            for (var i = 0; i < _batch.Count; i++)
            {
                var op = _batch[i];
                tx.Execute("SAVEPOINT w");
                try
                {
                    op.Execute(tx);
                    tx.Execute("RELEASE w");
                }
                catch (Exception ex) when (ex is StoreException or Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 })
                {
                    // A refused write (constraint, missing mailbox): undo it alone.
                    tx.Execute("ROLLBACK TO w");
                    tx.Execute("RELEASE w");
                    failed[i] = true;
                    op.Changes.Clear();
                    op.Reclaimed.Clear();
                    op.Fail(ex is StoreException ? ex : new StoreException(StoreError.Conflict, "the change conflicts with existing data", ex));
                    if (op.Location is { } dead)
                    {
                        op.Reclaimed.Add(dead);
                    }
                }
            }

            tx.Transaction.Commit();
        }
        catch (Exception ex)
        {
            try
            {
                tx.Transaction?.Rollback();
            }
            catch (Exception rollbackError) when (rollbackError is InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                // The connection already rolled back (e.g. after SQLITE_FULL).
            }

            FailAll(ex, mark, placed);
            return;
        }
        finally
        {
            tx.Transaction?.Dispose();
            tx.Transaction = null;
        }

        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _writes, _batch.Count);
        _health?.Committed();

        // 6: complete and publish in commit order; then free what the batch made dead.
        for (var i = 0; i < _batch.Count; i++)
        {
            var op = _batch[i];
            ReturnInline(op);
            if (!failed[i])
            {
                foreach (var change in op.Changes)
                {
                    _feed.Publish(change);
                }

                op.Complete();
            }
        }

        foreach (var op in _batch)
        {
            Reclaim(op);
        }
    }

    private void Reclaim(WriteOp op)
    {
        // Admin mode (the CLI) does not touch body files: the service's recovery at its next start
        // reclaims what an account removal there made dead.
        if (_bodies is null)
        {
            return;
        }

        _deadBodies.AddRange(op.Reclaimed);
        _deadSegments.UnionWith(op.SegmentsMaybeDead);
        if (_deadBodies.Count == 0 && _deadSegments.Count == 0)
        {
            return;
        }

        // A backup or a check is reading the bodies of its snapshot (BackupHold): what died stays until it ends.
        if (!Interop.Libc.TryLockExclusive(_reclaimGate!))
        {
            return;
        }

        try
        {
            foreach (var location in _deadBodies)
            {
                _bodies.Reclaim(location);
            }

            foreach (var segment in _deadSegments)
            {
                _bodies.DeleteSegment(segment);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Space is reclaimed again by recovery at the next start; the data is already consistent.
            LogReclaimFailed(_logger, ex);
        }
        finally
        {
            Interop.Libc.Unlock(_reclaimGate!);
            _deadBodies.Clear();
            _deadSegments.Clear();
        }
    }

    private void FailAll(Exception ex, (long Segment, long Length) mark, List<BodyLocation> placed)
    {
        var error = ex is IOException io && DiskErrors.IsFull(io)
            ? new StoreException(StoreError.StorageFull, "the disk is full", ex)
            : ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 13 }
                ? new StoreException(StoreError.StorageFull, "the disk is full", ex)
                : ex;
        LogBatchFailed(_logger, _batch.Count, ex);
        _health?.Failed(error is StoreException { Error: StoreError.StorageFull } ? "the disk is full" : "writes fail: " + ex.GetType().Name);
        try
        {
            _bodies?.Rollback(mark, placed);
        }
        catch (Exception rollbackError) when (rollbackError is IOException or UnauthorizedAccessException)
        {
            LogReclaimFailed(_logger, rollbackError);
        }

        foreach (var op in _batch)
        {
            ReturnInline(op);
            op.Fail(error);
        }
    }

    private static void ReturnInline(WriteOp op)
    {
        if (op.Inline is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} writes failed and was rolled back")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reclaiming space of removed messages failed; recovery retries at the next start")]
    private static partial void LogReclaimFailed(ILogger logger, Exception exception);
}
