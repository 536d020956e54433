using System.Text.Json;
using EdgeMail.Store;
using EdgeMail.Store.Backup;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Backup;

/// <summary>
/// The scheduled backup to <see cref="BackupOptions.Path"/>: the same incremental, verified backup as `edgemail
/// backup`, every <see cref="BackupOptions.Interval"/>, its last result in <see cref="Status"/> for `status`. The
/// first run comes a minute after start when the backup there is older than an interval (or missing), otherwise
/// when it falls due; a failure is retried after an hour (or the interval, if shorter).
/// </summary>
internal sealed partial class BackupScheduler(BackupOptions options, MailStore store, string? configFile, TimeProvider time, ILogger<BackupScheduler> logger) : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);
    private readonly Lock _gate = new();
    private BackupStatus _status = new() { Path = options.Path };

    public BackupStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Runs one backup now (the schedule's step; tests call it).</summary>
    public BackupStatus RunOnce(CancellationToken cancellationToken)
    {
        var attempt = time.GetUtcNow();
        BackupStatus next;
        try
        {
            var report = StoreBackup.Create(store.DataPath, options.Path!, configFile, ProductVersion.Current, time, cancellationToken);
            next = new BackupStatus
            {
                Path = options.Path, LastSuccess = attempt, LastAttempt = attempt, Messages = report.Messages, BodyBytes = report.BodyBytes,
                BytesCopied = report.BytesCopied, TookMs = (long)report.Took.TotalMilliseconds, NextAt = attempt + options.Interval,
            };
            LogDone(logger, options.Path!, report.Messages, report.BytesCopied, (long)report.Took.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or StoreException or Microsoft.Data.Sqlite.SqliteException)
        {
            var retry = options.Interval < RetryAfter ? options.Interval : RetryAfter;
            var previous = Status;
            next = new BackupStatus
            {
                Path = options.Path, LastSuccess = previous.LastSuccess, LastAttempt = attempt, LastError = ex.Message.ReplaceLineEndings(" "),
                Messages = previous.Messages, BodyBytes = previous.BodyBytes, NextAt = attempt + retry,
            };
            LogFailed(logger, options.Path!, next.LastError);
        }

        lock (_gate)
        {
            _status = next;
        }

        return next;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Path is null)
        {
            return;
        }

        var last = LastBackup(options.Path);
        var now = time.GetUtcNow();
        var due = last is { } at && at + options.Interval > now + Settle ? at + options.Interval : now + Settle;
        lock (_gate)
        {
            _status = new BackupStatus { Path = options.Path, LastSuccess = last, NextAt = due };
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = due - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }

            // Reading every body back is seconds to minutes of disk work: off the host's threads.
            var status = await Task.Run(() => RunOnce(stoppingToken), stoppingToken).ConfigureAwait(false);
            due = status.NextAt ?? time.GetUtcNow() + options.Interval;
        }
    }

    /// <summary>When the backup at <paramref name="path"/> was made, from its manifest; null when there is none.</summary>
    private static DateTimeOffset? LastBackup(string path)
    {
        try
        {
            using var stream = File.OpenRead(Path.Combine(path, StoreBackup.ManifestName));
            using var manifest = JsonDocument.Parse(stream);
            return manifest.RootElement.TryGetProperty("created", out var created) && created.TryGetDateTimeOffset(out var at) ? at : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Backup to {Path} done: {Messages} messages, {Copied} bytes copied, verified, in {Ms} ms")]
    private static partial void LogDone(ILogger logger, string path, long messages, long copied, long ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup to {Path} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, string path, string error);
}
