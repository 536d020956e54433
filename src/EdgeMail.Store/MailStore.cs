using EdgeMail.Store.Bodies;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Data;
using EdgeMail.Store.Mime;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Store;

/// <summary>
/// The mail store that every protocol shares: accounts and their credentials, mailboxes, messages,
/// flags, and the change feed.
/// <para>
/// Durability contract: when a method returns, its effect is on stable storage; a crash at any
/// instant leaves the previous state or the new one, never part of one. Writes follow one order:
/// body bytes to the segment (or a staged file renamed into place), fsync of the file and its
/// directory, then the SQLite commit (WAL, synchronous=FULL), then the change is published. Concurrent
/// writes share these fsyncs (group commit). Opening the store in service mode removes whatever a
/// crash left without a committed row.
/// </para>
/// </summary>
public sealed partial class MailStore : IAsyncDisposable
{
    private readonly Database _database;
    private readonly BodyFiles? _bodies;
    private readonly WriteQueue _writes;
    private readonly FileStream? _lock;
    private readonly StoreOptions _options;
    private readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<MessageSummary> _summaryJson;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OpenBodies _openBodies = new();
    private readonly string _bodiesPath;

    private MailStore(StoreOptions options, StoreOpenMode mode, TimeProvider time, ILogger logger)
    {
        _options = options;
        _summaryJson = SummaryJsonContext.For(options.MaxMimeDepth);
        _time = time;
        _logger = logger;
        Mode = mode;
        DataPath = System.IO.Path.GetFullPath(options.Path);
        _bodiesPath = System.IO.Path.Combine(DataPath, BodyFiles.FolderName);
        Directory.CreateDirectory(DataPath);

        if (mode == StoreOpenMode.Service)
        {
            _lock = TakeLock(DataPath);
        }

        try
        {
            SQLitePCL.Batteries_V2.Init();
            _database = new Database(System.IO.Path.Combine(DataPath, "edgemail.db"));
            _database.Initialize();

            if (mode == StoreOpenMode.Service)
            {
                _bodies = new BodyFiles(DataPath, options.SegmentMaxBytes);
                Recovery = Recover();
                RemoveLegacySpool();
            }

            _writes = new WriteQueue(_database, _bodies, Changes, options.MaxBatchWrites, logger, Health);
        }
        catch
        {
            _bodies?.Dispose();
            _lock?.Dispose();
            throw;
        }
    }

    /// <summary>Full path of the data folder.</summary>
    public string DataPath { get; }

    /// <summary>
    /// Gives back memory kept for speed after a burst: the database connections nobody is using (each holds its
    /// own caches). Safe at any time; what is needed again is made again.
    /// </summary>
    public void ReleaseMemory() => _database.ReleaseIdleConnections();

    public StoreOpenMode Mode { get; }

    /// <summary>Every committed change, for live sessions and the new-mail LED.</summary>
    public ChangeFeed Changes { get; } = new();

    /// <summary>Whether writes commit; the status LED's error pattern and `status` show a failure.</summary>
    public StoreHealth Health { get; } = new();

    /// <summary>What recovery cleaned up when the store was opened in service mode.</summary>
    public RecoveryReport? Recovery { get; }

    /// <summary>Transactions committed and the writes they held (group commit's effect).</summary>
    public (long Batches, long Writes) WriteCounters => _writes.Counters;

    public static MailStore Open(StoreOptions options, StoreOpenMode mode = StoreOpenMode.Service, TimeProvider? time = null, ILogger<MailStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new MailStore(options, mode, time ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        _bodies?.Dispose();
        _secrets?.Dispose();
        SqliteConnection.ClearAllPools();
        _lock?.Dispose();
    }

    internal SqliteConnection OpenReader() => _database.Open();

    private static FileStream TakeLock(string dataPath)
    {
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix: one service per data folder.
            return new FileStream(System.IO.Path.Combine(dataPath, "edgemail.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new StoreException(StoreError.NotAllowed, $"the data folder {dataPath} is in use by another edgemail service", ex);
        }
    }

    /// <summary>
    /// Releases before the staging stream spooled SMTP messages in &lt;data&gt;/smtp-spool; what a crash left there is
    /// no one's mail (it was never answered 250), and the folder is no longer used.
    /// </summary>
    private void RemoveLegacySpool()
    {
        var legacy = System.IO.Path.Combine(DataPath, "smtp-spool");
        try
        {
            if (Directory.Exists(legacy))
            {
                Directory.Delete(legacy, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Harmless: it holds nothing the store reads.
        }
    }

    private RecoveryReport Recover()
    {
        var liveFiles = new HashSet<string>(StringComparer.Ordinal);
        var liveRanges = new Dictionary<long, List<(long Start, long End)>>();
        using (var connection = _database.Open())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT segment, offset, length, file FROM bodies ORDER BY segment, offset";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!reader.IsDBNull(3))
                {
                    liveFiles.Add(reader.GetString(3));
                    continue;
                }

                var segment = reader.GetInt64(0);
                if (!liveRanges.TryGetValue(segment, out var list))
                {
                    liveRanges[segment] = list = [];
                }

                var offset = reader.GetInt64(1);
                list.Add((offset, offset + reader.GetInt64(2)));
            }
        }

        var report = _bodies!.Recover(liveFiles, liveRanges);
        if (report.TempFilesRemoved + report.OrphanFilesRemoved + report.SegmentsRemoved > 0 || report.BytesTruncated > 0)
        {
            LogRecovered(_logger, report.TempFilesRemoved, report.OrphanFilesRemoved, report.SegmentsRemoved, report.BytesTruncated);
        }

        return report;
    }

    private long NowUnixMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recovery removed {TempFiles} staged files, {OrphanFiles} orphaned bodies, {Segments} dead segments and {Bytes} uncommitted segment bytes")]
    private static partial void LogRecovered(ILogger logger, int tempFiles, int orphanFiles, int segments, long bytes);
}
