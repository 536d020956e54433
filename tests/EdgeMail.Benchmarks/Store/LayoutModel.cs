using System.Collections.Concurrent;
using EdgeMail.Shared.Interop;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Benchmarks.Store;

/// <summary>
/// Both body layouts of CONVENTIONS §2.8 over the same minimal SQLite row (WAL, synchronous=FULL), so
/// that they differ only in where the body goes:
/// <list type="bullet">
/// <item><see cref="LayoutKind.PerFile"/>: temporary file, fsync it, rename into place, fsync the
/// directory, commit the row; every message pays all of it.</item>
/// <item><see cref="LayoutKind.PerFileGrouped"/>: the best a file per message can do with group commit:
/// each writer writes, fsyncs and renames its own file, and one committer shares the directory fsync and
/// the SQLite commit among all the writers waiting.</item>
/// <item><see cref="LayoutKind.Segment"/>: the store's layout rebuilt: one committer appends the waiting
/// bodies to one file, fsyncs it once, and commits their rows (offset, length) once.</item>
/// </list>
/// Counts every fsync it asks for; a SQLite commit counts one (its WAL fsync).
/// </summary>
internal sealed class LayoutModel : IDisposable
{
    private const int MaxBatch = 256;

    private readonly string _bodies;
    private readonly string _connectionString;
    private readonly BlockingCollection<Pending> _queue = [];
    private readonly Thread? _committer;
    private SafeFileHandle? _segment;
    private long _segmentLength;
    private readonly ThreadLocal<SqliteConnection> _connections;
    private long _fsyncs;
    private long _commits;
    private long _nextUid;

    public LayoutModel(string folder, LayoutKind kind)
    {
        Kind = kind;
        _bodies = Path.Combine(folder, "bodies");
        Directory.CreateDirectory(_bodies);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(folder, "meta.db"),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        _connections = new ThreadLocal<SqliteConnection>(Open, trackAllValues: true);
        using (var setup = Open())
        {
            Execute(setup, """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS messages(
                    id INTEGER PRIMARY KEY,
                    mailbox_id INTEGER NOT NULL,
                    uid INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    file TEXT NOT NULL,
                    UNIQUE(mailbox_id, uid));
                """);
        }

        if (kind != LayoutKind.PerFile)
        {
            _committer = new Thread(Commit) { IsBackground = true, Name = "per-file committer" };
            _committer.Start();
        }
    }

    public LayoutKind Kind { get; }

    public string BodiesPath => _bodies;

    /// <summary>fsync calls made: files, directory, and one per SQLite commit.</summary>
    public long Fsyncs => Interlocked.Read(ref _fsyncs) + Interlocked.Read(ref _commits);

    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Stores one message durably; returns once it is on stable storage and committed.</summary>
    public void Append(byte[] body)
    {
        var uid = Interlocked.Increment(ref _nextUid);
        if (Kind == LayoutKind.Segment)
        {
            Wait(new Pending(uid, body, ""));
            return;
        }

        var name = uid.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".eml";
        var temp = Path.Combine(_bodies, name + ".tmp");

        // 1-3: write a temporary file on the same file system, fsync it, rename it into place.
        using (var handle = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(handle, body, 0);
            RandomAccess.FlushToDisk(handle);
            Interlocked.Increment(ref _fsyncs);
        }

        File.Move(temp, Path.Combine(_bodies, name));
        if (Kind == LayoutKind.PerFile)
        {
            // 4-5 alone: this message's own directory fsync and its own commit.
            DirectoryFsync.Flush(_bodies);
            Interlocked.Increment(ref _fsyncs);
            Insert(_connections.Value!, uid, body.Length, name);
            Interlocked.Increment(ref _commits);
            return;
        }

        Wait(new Pending(uid, body, name));
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _committer?.Join();
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }

        _connections.Dispose();
        _queue.Dispose();
        _segment?.Dispose();
    }

    private void Wait(Pending pending)
    {
        _queue.Add(pending);
        pending.Done.Task.GetAwaiter().GetResult();
    }

    /// <summary>Segment only: append the batch's bodies and fsync the segment once (and its directory when it is new).</summary>
    private void AppendToSegment(List<Pending> batch)
    {
        if (_segment is null)
        {
            _segment = File.OpenHandle(Path.Combine(_bodies, "seg-000001.dat"), FileMode.CreateNew, FileAccess.Write);
            DirectoryFsync.Flush(_bodies);
            Interlocked.Increment(ref _fsyncs);
        }

        foreach (var p in batch)
        {
            p.Offset = _segmentLength;
            RandomAccess.Write(_segment, p.Body, _segmentLength);
            _segmentLength += p.Body.Length;
        }

        RandomAccess.FlushToDisk(_segment);
        Interlocked.Increment(ref _fsyncs);
    }

    private void Commit()
    {
        using var connection = Open();
        var batch = new List<Pending>();
        foreach (var first in _queue.GetConsumingEnumerable())
        {
            batch.Clear();
            batch.Add(first);
            while (batch.Count < MaxBatch && _queue.TryTake(out var next))
            {
                batch.Add(next);
            }

            try
            {
                if (Kind == LayoutKind.Segment)
                {
                    AppendToSegment(batch);
                }
                else
                {
                    // 4 shared: one directory fsync covers every rename of the batch.
                    DirectoryFsync.Flush(_bodies);
                    Interlocked.Increment(ref _fsyncs);
                }

                // 5 shared: one commit for every row of the batch.
                using (var tx = connection.BeginTransaction(deferred: false))
                {
                    foreach (var p in batch)
                    {
                        Insert(connection, p.Uid, p.Body.Length, Kind == LayoutKind.Segment ? "1:" + p.Offset.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.File, tx);
                    }

                    tx.Commit();
                }

                Interlocked.Increment(ref _commits);
                batch.ForEach(p => p.Done.SetResult());
            }
            catch (Exception ex) when (ex is IOException or SqliteException)
            {
                batch.ForEach(p => p.Done.SetException(ex));
            }
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;");
        return connection;
    }

    private static void Insert(SqliteConnection connection, long uid, int size, string file, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = "INSERT INTO messages(mailbox_id, uid, size, file) VALUES (1, $uid, $size, $file)";
        command.Parameters.AddWithValue("$uid", uid);
        command.Parameters.AddWithValue("$size", size);
        command.Parameters.AddWithValue("$file", file);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record Pending(long Uid, byte[] Body, string File)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Segment only: where the body starts in the segment.</summary>
        public long Offset { get; set; }
    }
}
