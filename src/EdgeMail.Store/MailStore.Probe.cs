using Microsoft.Data.Sqlite;

namespace EdgeMail.Store;

public sealed partial class MailStore
{
    private readonly Lock _probeGate = new();
    private Task? _probe;

    /// <summary>
    /// Whether the store still answers, for a liveness check (the systemd watchdog): one trivial read of the database
    /// on a connection of its own, opened for this read and outside the pool, so that the file must open, its locks be
    /// taken and a page read, within <paramref name="timeout"/>. Completes when the read answered; faults with the
    /// reason when it failed (the database gone, unreadable or held locked) or with <see cref="TimeoutException"/>
    /// when it has not answered in time. SQLite's calls block their thread: a read that hangs (a disk that stopped
    /// answering) keeps one, and a later probe waits on that same read rather than start another, so a wedged store
    /// costs one thread, never one per probe.
    /// </summary>
    public Task ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Task probe;
        lock (_probeGate)
        {
            if (_probe is null || _probe.IsCompleted)
            {
                _probe = Task.Run(() => ProbeRead(timeout), CancellationToken.None);
            }

            probe = _probe;
        }

        return probe.WaitAsync(timeout, _time, cancellationToken);
    }

    private void ProbeRead(TimeSpan timeout)
    {
        var connectionString = new SqliteConnectionStringBuilder(_database.ConnectionString)
        {
            // An existing database only: a probe never creates one where the store's file went missing.
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();

        // A database held locked (SQLITE_BUSY) is waited for up to the timeout, then fails; Microsoft.Data.Sqlite retries
        // a busy statement for CommandTimeout seconds (0 would be forever).
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        command.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
        if (command.ExecuteScalar() is not string)
        {
            throw new InvalidOperationException($"the database {_database.Path} has no schema version");
        }
    }
}
