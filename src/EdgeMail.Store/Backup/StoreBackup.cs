using System.Security.Cryptography;
using System.Text.Json;
using EdgeMail.Shared.Interop;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Backup;

/// <summary>
/// `edgemail backup` and `edgemail restore`. A backup is a data folder of its own (so that `edgemail check --data`
/// and `serve --data` work on it as they are) plus manifest.json and config/: the database copied by SQLite's online
/// backup API (one consistent snapshot while the service keeps writing), each body the snapshot refers to (segment
/// files up to the snapshot's last byte in them, never past what was committed), the keys and the certificate, and
/// the configuration file. Incremental when the destination already holds a backup: a segment gets only its new
/// tail, an own file is copied once (its name is unique), and what the new snapshot no longer refers to is
/// removed. Every body of the result is read back and compared with the SHA-256 recorded at intake (or, for older
/// bodies, with the source's bytes) before the new database replaces the old one: a backup that was not verified
/// is not a backup. Runs beside the service under a <see cref="BackupHold"/>.
/// </summary>
public static class StoreBackup
{
    public const string ManifestName = "manifest.json";
    public const string ConfigFolder = "config";
    private const string DatabaseName = "edgemail.db";
    private const string BodiesFolder = "bodies";
    private const int Format = 1;

    /// <param name="dataPath">The live data folder.</param>
    /// <param name="destination">An empty or absent folder, or one holding an earlier backup.</param>
    /// <param name="configFile">The configuration file to keep with the backup, if any.</param>
    /// <param name="version">The EdgeMail version, written in the manifest.</param>
    public static BackupReport Create(string dataPath, string destination, string? configFile, string version, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        dataPath = Path.GetFullPath(dataPath);
        destination = Path.GetFullPath(destination);
        if (!File.Exists(Path.Combine(dataPath, DatabaseName)))
        {
            throw new StoreException(StoreError.NotFound, $"{dataPath} holds no mail store (no edgemail.db)");
        }

        if (destination == dataPath || destination.StartsWith(dataPath + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new StoreException(StoreError.NotAllowed, "the backup cannot go inside the data folder");
        }

        RequireBackupOrEmpty(destination);
        var destBodies = Path.Combine(destination, BodiesFolder);
        Directory.CreateDirectory(destBodies);
        SQLitePCL.Batteries_V2.Init();

        using var hold = BackupHold.Take(dataPath);
        var partial = Path.Combine(destination, DatabaseName + ".partial");
        DeleteDatabaseFiles(partial);
        using (var source = Open(Path.Combine(dataPath, DatabaseName)))
        using (var copy = Open(partial))
        {
            source.BackupDatabase(copy);
            Execute(copy, "PRAGMA journal_mode=DELETE");
        }

        List<BodyRow> rows;
        long messages;
        using (var copy = Open(partial))
        {
            rows = BodyRow.ReadAll(copy);
            messages = Convert.ToInt64(Scalar(copy, "SELECT COUNT(*) FROM messages"), System.Globalization.CultureInfo.InvariantCulture);
        }

        var sourceBodies = Path.Combine(dataPath, BodiesFolder);
        long copied = 0;
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, end) in Needed(rows))
        {
            cancellationToken.ThrowIfCancellationRequested();
            copied += CopyPrefix(Path.Combine(sourceBodies, name), Path.Combine(destBodies, name), end, written);
        }

        var verified = Verify(rows, sourceBodies, destBodies, written, ref copied, cancellationToken);
        copied += CopyKeys(dataPath, destination, written);
        if (configFile is not null && File.Exists(configFile))
        {
            Directory.CreateDirectory(Path.Combine(destination, ConfigFolder));
            copied += CopyWhole(configFile, Path.Combine(destination, ConfigFolder, Path.GetFileName(configFile)), written);
        }

        foreach (var path in written)
        {
            FlushFile(path);
        }

        FlushFile(partial);
        DirectoryFsync.Flush(destBodies);
        File.Move(partial, Path.Combine(destination, DatabaseName), overwrite: true);
        DirectoryFsync.Flush(destination);

        var removed = Prune(destBodies, rows);
        WriteManifest(destination, version, time.GetUtcNow(), messages, rows);
        return new BackupReport(destination, messages, rows.Count, rows.Sum(r => r.Length), copied, verified, removed, time.GetElapsedTime(started));
    }

    /// <summary>Copies a backup into an empty or absent data folder, then checks the result.</summary>
    public static (BackupReport Report, CheckReport Check) Restore(string source, string dataPath, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        var started = time.GetTimestamp();
        source = Path.GetFullPath(source);
        dataPath = Path.GetFullPath(dataPath);
        if (!File.Exists(Path.Combine(source, ManifestName)) || !File.Exists(Path.Combine(source, DatabaseName)))
        {
            throw new StoreException(StoreError.NotFound, $"{source} is not an EdgeMail backup (no {ManifestName} and {DatabaseName})");
        }

        RequireEmptyTarget(dataPath);
        Directory.CreateDirectory(Path.Combine(dataPath, BodiesFolder));
        var written = new HashSet<string>(StringComparer.Ordinal);
        long copied = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(source, BodiesFolder)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            copied += CopyWhole(file, Path.Combine(dataPath, BodiesFolder, Path.GetFileName(file)), written);
        }

        copied += CopyKeys(source, dataPath, written);
        copied += CopyWhole(Path.Combine(source, DatabaseName), Path.Combine(dataPath, DatabaseName), written);
        foreach (var path in written)
        {
            FlushFile(path);
        }

        DirectoryFsync.Flush(Path.Combine(dataPath, BodiesFolder));
        DirectoryFsync.Flush(dataPath);
        var check = StoreCheck.Run(dataPath, recordHashes: true, cancellationToken);
        var report = new BackupReport(dataPath, check.Messages, check.Bodies, check.BodyBytes, copied, check.Bodies, 0, time.GetElapsedTime(started));
        return (report, check);
    }

    /// <summary>A restore goes only into an empty or absent data folder, whatever the backup's form.</summary>
    public static void RequireEmptyTarget(string dataPath)
    {
        if (Directory.Exists(dataPath) && Directory.EnumerateFileSystemEntries(dataPath).Any())
        {
            throw new StoreException(StoreError.NotAllowed, $"{dataPath} is not empty: restore only into an empty or new data folder");
        }
    }

    /// <summary>Each body file the snapshot refers to, with how far into it the snapshot's bodies reach.</summary>
    private static Dictionary<string, long> Needed(List<BodyRow> rows)
    {
        var needed = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var name = row.File ?? BodyBytes.SegmentName(row.Segment!.Value);
            var end = row.Offset + row.Length;
            needed[name] = needed.TryGetValue(name, out var known) ? Math.Max(known, end) : end;
        }

        return needed;
    }

    /// <summary>
    /// Brings <paramref name="target"/> to the first <paramref name="end"/> bytes of <paramref name="source"/>: only the
    /// missing tail when the target is a shorter copy (segments only grow), all of it otherwise.
    /// </summary>
    private static long CopyPrefix(string source, string target, long end, HashSet<string> written)
    {
        var have = File.Exists(target) ? new FileInfo(target).Length : 0;
        if (have == end)
        {
            return 0;
        }

        var from = have < end ? have : 0;
        using var input = File.OpenHandle(source, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var output = File.OpenHandle(target, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        if (from == 0)
        {
            RandomAccess.SetLength(output, 0);
        }

        var buffer = new byte[256 * 1024];
        for (var position = from; position < end;)
        {
            var read = RandomAccess.Read(input, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - position)), position);
            if (read == 0)
            {
                throw new StoreException(StoreError.NotFound, $"{Path.GetFileName(source)} is shorter than the database says ({position} of {end} bytes)");
            }

            RandomAccess.Write(output, buffer.AsSpan(0, read), position);
            position += read;
        }

        written.Add(target);
        return end - from;
    }

    /// <summary>
    /// Reads every body back from the backup and compares it with its recorded SHA-256, or with the source's bytes
    /// where none is recorded. A file that differs (a segment number used again after an old one died) is copied
    /// whole and compared once more; a second difference fails the backup.
    /// </summary>
    private static long Verify(List<BodyRow> rows, string sourceBodies, string destBodies, HashSet<string> written, ref long copied, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        var needed = Needed(rows);
        var recopied = new HashSet<string>(StringComparer.Ordinal);
        long verified = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = rows[i];
            var expected = row.Sha256 ?? BodyBytes.Hash(sourceBodies, row, buffer).Hash;
            if (expected is null)
            {
                throw new StoreException(StoreError.NotFound, $"the data folder's body {row.Id} cannot be read: run edgemail check");
            }

            var (actual, _) = BodyBytes.Hash(destBodies, row, buffer);
            if (actual is not null && actual.AsSpan().SequenceEqual(expected))
            {
                verified++;
                continue;
            }

            var name = Path.GetFileName(BodyBytes.PathOf(destBodies, row));
            if (!recopied.Add(name))
            {
                throw new StoreException(StoreError.NotFound, $"the backup's copy of body {row.Id} differs from the data folder's: run edgemail check on the data folder");
            }

            var target = Path.Combine(destBodies, name);
            File.Delete(target);
            copied += CopyPrefix(Path.Combine(sourceBodies, name), target, needed[name], written);
            i--;
        }

        return verified;
    }

    /// <summary>The keys and the certificate: regular files at the data folder's top (not the database, its journals, the locks) and tls/.</summary>
    private static long CopyKeys(string from, string to, HashSet<string> written)
    {
        long copied = 0;
        foreach (var file in Directory.EnumerateFiles(from))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith(DatabaseName, StringComparison.Ordinal) || name.EndsWith(".lock", StringComparison.Ordinal)
                || name is ManifestName || !IsRegular(file))
            {
                continue;
            }

            copied += CopyWhole(file, Path.Combine(to, name), written);
        }

        var tls = Path.Combine(from, "tls");
        if (Directory.Exists(tls))
        {
            Directory.CreateDirectory(Path.Combine(to, "tls"));
            foreach (var file in Directory.EnumerateFiles(tls).Where(IsRegular))
            {
                copied += CopyWhole(file, Path.Combine(to, "tls", Path.GetFileName(file)), written);
            }
        }

        return copied;
    }

    /// <summary>Not a link, and not the control channel's socket (sockets and locks are the running service's, not data).</summary>
    private static bool IsRegular(string path) => (File.GetAttributes(path) & (FileAttributes.Directory | FileAttributes.ReparsePoint | FileAttributes.Device)) == 0
        && !path.EndsWith(".sock", StringComparison.Ordinal) && !path.EndsWith(".partial", StringComparison.Ordinal);

    /// <summary>Copies a file whole (its permissions too: keys stay 0600), through a temporary name.</summary>
    private static long CopyWhole(string source, string target, HashSet<string> written)
    {
        var temp = target + ".partial";
        File.Copy(source, temp, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, File.GetUnixFileMode(source));
        }

        FlushFile(temp);
        File.Move(temp, target, overwrite: true);
        written.Add(target);
        return new FileInfo(target).Length;
    }

    /// <summary>Removes from the backup's bodies what its new snapshot no longer refers to.</summary>
    private static int Prune(string destBodies, List<BodyRow> rows)
    {
        var keep = Needed(rows);
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(destBodies))
        {
            if (!keep.ContainsKey(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }

        if (removed > 0)
        {
            DirectoryFsync.Flush(destBodies);
        }

        return removed;
    }

    private static void WriteManifest(string destination, string version, DateTimeOffset created, long messages, List<BodyRow> rows)
    {
        var temp = Path.Combine(destination, ManifestName + ".partial");
        using (var stream = File.Create(temp))
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteString("edgemailVersion", version);
            json.WriteString("created", created);
            json.WriteNumber("messages", messages);
            json.WriteNumber("bodies", rows.Count);
            json.WriteNumber("bodyBytes", rows.Sum(r => r.Length));
            json.WriteNumber("bodiesWithoutHash", rows.Count(r => r.Sha256 is null));
            json.WriteBoolean("encrypted", false);
            json.WriteBoolean("holdsKeysInClear", true);
            json.WriteString("note", "An unencrypted backup holds the box's keys in clear (secret.key seals the two-factor and fetch secrets; tls/ holds the CA's private key): keep it where only the box's owner can read it, or use --encrypt.");
            json.WriteEndObject();
        }

        FlushFile(temp);
        File.Move(temp, Path.Combine(destination, ManifestName), overwrite: true);
        DirectoryFsync.Flush(destination);
    }

    private static void RequireBackupOrEmpty(string destination)
    {
        if (!Directory.Exists(destination) || !Directory.EnumerateFileSystemEntries(destination).Any())
        {
            return;
        }

        if (!File.Exists(Path.Combine(destination, ManifestName)))
        {
            throw new StoreException(StoreError.NotAllowed, $"{destination} is neither empty nor an EdgeMail backup (no {ManifestName})");
        }
    }

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    private static void DeleteDatabaseFiles(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(path + suffix);
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void FlushFile(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.FlushToDisk(handle);
    }
}
