using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Backup;

/// <summary>
/// `edgemail check`: verifies a data folder (or a backup of one) while the service may be running: SQLite's own
/// quick check, the schema, every body present with the length its row records and the SHA-256 recorded at intake
/// (bodies stored before schema 6 have none: the check hashes them once and records it, where it may write),
/// and files no row refers to. Bodies are read under a <see cref="BackupHold"/>, so the service frees nothing the
/// check's snapshot still refers to.
/// </summary>
public static class StoreCheck
{
    private const int RecordBatch = 500;

    /// <param name="dataPath">The data folder (edgemail.db and bodies/).</param>
    /// <param name="recordHashes">Write the hashes of bodies that have none (false for a read-only look, or a backup).</param>
    public static CheckReport Run(string dataPath, bool recordHashes, CancellationToken cancellationToken = default)
    {
        var database = Path.Combine(dataPath, "edgemail.db");
        if (!File.Exists(database))
        {
            throw new StoreException(StoreError.NotFound, $"{dataPath} holds no mail store (no edgemail.db)");
        }

        SQLitePCL.Batteries_V2.Init();
        var report = new CheckReport();
        using var hold = BackupHold.Take(dataPath);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        report.Schema = Convert.ToInt32(Scalar(connection, "SELECT value FROM meta WHERE key = 'schema'") ?? 0, System.Globalization.CultureInfo.InvariantCulture);
        var quick = Scalar(connection, "PRAGMA quick_check") as string;
        if (!string.Equals(quick, "ok", StringComparison.Ordinal))
        {
            report.Problems.Add($"the database fails SQLite's check: {quick}");
        }

        List<BodyRow> rows;
        using (var snapshot = connection.BeginTransaction(deferred: true))
        {
            report.Messages = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM messages", snapshot), System.Globalization.CultureInfo.InvariantCulture);
            rows = BodyRow.ReadAll(connection, snapshot);
        }

        var bodiesPath = Path.Combine(dataPath, "bodies");
        var buffer = new byte[256 * 1024];
        var toRecord = new List<(long Id, byte[] Hash)>();
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            report.Bodies++;
            report.BodyBytes += row.Length;
            var (hash, problem) = BodyBytes.Hash(bodiesPath, row, buffer);
            if (problem is not null)
            {
                report.Problems.Add($"{BodyRow.Describe(connection, row.Id)}: {problem}");
            }
            else if (row.Sha256 is null)
            {
                if (recordHashes)
                {
                    toRecord.Add((row.Id, hash!));
                }
                else
                {
                    report.Unhashed++;
                }
            }
            else if (!row.Sha256.AsSpan().SequenceEqual(hash))
            {
                report.Problems.Add($"{BodyRow.Describe(connection, row.Id)}: the body is damaged (its SHA-256 differs from the one recorded at intake)");
            }

            if (toRecord.Count >= RecordBatch)
            {
                Record(connection, toRecord, report);
            }
        }

        Record(connection, toRecord, report);
        FindOrphans(bodiesPath, rows, report);
        return report;
    }

    private static void Record(SqliteConnection connection, List<(long Id, byte[] Hash)> hashes, CheckReport report)
    {
        if (hashes.Count == 0)
        {
            return;
        }

        using var tx = connection.BeginTransaction();
        using var update = connection.CreateCommand();
        update.Transaction = tx;
        update.CommandText = "UPDATE bodies SET sha256 = $h WHERE id = $id AND sha256 IS NULL";
        var hash = update.Parameters.Add("$h", SqliteType.Blob);
        var id = update.Parameters.Add("$id", SqliteType.Integer);
        foreach (var (bodyId, value) in hashes)
        {
            hash.Value = value;
            id.Value = bodyId;
            report.HashesRecorded += update.ExecuteNonQuery();
        }

        tx.Commit();
        hashes.Clear();
    }

    private static void FindOrphans(string bodiesPath, List<BodyRow> rows, CheckReport report)
    {
        if (!Directory.Exists(bodiesPath))
        {
            return;
        }

        var segments = rows.Where(r => r.Segment is not null).Select(r => r.Segment!.Value).ToHashSet();
        var files = rows.Where(r => r.File is not null).Select(r => r.File!).ToHashSet(StringComparer.Ordinal);
        var newest = Directory.EnumerateFiles(bodiesPath).Select(Path.GetFileName)
            .Select(n => BodyBytes.IsSegmentName(n!, out var id) ? id : -1).DefaultIfEmpty(-1).Max();
        foreach (var path in Directory.EnumerateFiles(bodiesPath))
        {
            var name = Path.GetFileName(path);
            var orphan = BodyBytes.IsSegmentName(name, out var segment)
                ? !segments.Contains(segment) && segment != newest // the newest is the service's segment to append to
                : !BodyBytes.IsOwnFileName(name) || !files.Contains(name);
            if (orphan)
            {
                report.Orphans.Add(name);
            }
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? tx = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
