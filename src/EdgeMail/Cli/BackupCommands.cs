using System.Globalization;
using EdgeMail.Configuration;
using EdgeMail.Store.Backup;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail backup [DEST]`, `edgemail restore SRC`, `edgemail check`: a verified copy of the data folder made
/// beside the running service (<see cref="StoreBackup"/>), put back into an empty folder, and the folder's own check
/// (<see cref="StoreCheck"/>). The work is this process's, not the service's (which its unit confines); run as root,
/// it acts as the data folder's owner, as every verb does, so the backup folder must be writable by that user
/// (edgemail on the appliance), as the scheduled backup's is.
/// </summary>
internal static class BackupCommands
{
    /// <summary>The shortest passphrase an encrypted backup takes: Argon2id slows guessing, it cannot save a short one.</summary>
    public const int MinPassphraseLength = 12;

    public static Task<int> BackupAsync(VerbContext context, string? destination, bool encrypt, bool passphraseStdin, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        destination ??= settings.Backup.Path ?? throw new UsageException("backup: give the destination folder, or set Backup:Path");
        destination = Path.GetFullPath(destination);
        var passphrase = encrypt ? UserCommands.ReadSecret(passphraseStdin, confirm: true, MinPassphraseLength, "passphrase") : null;
        if (encrypt && Directory.Exists(destination))
        {
            throw new UsageException($"backup --encrypt: {destination} is a folder; give the archive file to write");
        }

        PrepareStore(context);

        // Encrypted: a full backup staged beside the archive, sealed into it, then removed.
        var folder = encrypt ? destination + ".staging" : destination;
        if (encrypt && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var report = StoreBackup.Create(context.DataPath, folder, EdgeMailConfiguration.LoadedFile(context.Configuration), ProductVersion.Current, cancellationToken: cancellationToken);
        if (passphrase is not null)
        {
            try
            {
                EdgeMail.Backup.BackupArchive.Seal(folder, destination, passphrase);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backup of {context.DataPath} in {destination}: {report.Messages} messages, {Size(report.BodyBytes)} of bodies; {Size(report.BytesCopied)} copied, {report.BodiesVerified} bodies read back and verified, {report.FilesRemoved} files no longer needed removed ({report.Took.TotalSeconds:0.0} s)"));
        Console.WriteLine(passphrase is null
            ? "it holds the box's keys in clear (manifest.json says so): keep it where only you can read it, or use --encrypt"
            : string.Create(CultureInfo.InvariantCulture, $"encrypted (AES-256-GCM, key from the passphrase by Argon2id): {Size(new FileInfo(destination).Length)}; without the passphrase it cannot be restored"));
        return Task.FromResult(CliProgram.Ok);
    }

    public static Task<int> RestoreAsync(VerbContext context, string source, bool passphraseStdin, CancellationToken cancellationToken)
    {
        // Into an existing empty folder (the package's /var/lib/edgemail): as its owner, so the service can open it.
        source = Path.GetFullPath(source);
        var passphrase = File.Exists(source) ? UserCommands.ReadSecret(passphraseStdin, confirm: false, 1, "passphrase") : null;
        DataFolder.AdoptOwner(context.DataPath);
        var (report, check) = passphrase is null
            ? StoreBackup.Restore(source, context.DataPath, cancellationToken: cancellationToken)
            : RestoreArchive(source, context.DataPath, passphrase, cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restored {source} into {report.Destination}: {report.Messages} messages, {Size(report.BodyBytes)} of bodies ({report.Took.TotalSeconds:0.0} s)"));
        var config = passphrase is null ? Path.Combine(source, StoreBackup.ConfigFolder) : Path.Combine(context.DataPath, "config-from-backup");
        if (Directory.Exists(config))
        {
            Console.WriteLine($"the configuration it was made with is in {config}");
        }

        return Task.FromResult(Print(check, report.Destination));
    }

    public static Task<int> CheckAsync(VerbContext context, CancellationToken cancellationToken)
    {
        PrepareStore(context);
        var check = StoreCheck.Run(context.DataPath, recordHashes: true, cancellationToken);
        return Task.FromResult(Print(check, context.DataPath));
    }

    /// <summary>
    /// Opens the archive into a staging folder inside the (empty) data folder, on the same file system, so that its
    /// parts move into place by rename; then the restored folder is checked.
    /// </summary>
    private static (BackupReport, CheckReport) RestoreArchive(string archive, string dataPath, string passphrase, CancellationToken cancellationToken)
    {
        StoreBackup.RequireEmptyTarget(dataPath);

        var started = TimeProvider.System.GetTimestamp();
        var staging = Path.Combine(dataPath, ".restore");
        try
        {
            EdgeMail.Backup.BackupArchive.Open(archive, staging, passphrase);
        }
        catch
        {
            // Nothing of a refused archive stays: the folder is as empty as it was.
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(staging))
        {
            var name = Path.GetFileName(entry);
            var target = Path.Combine(dataPath, name == StoreBackup.ConfigFolder ? "config-from-backup" : name);
            if (name == StoreBackup.ManifestName)
            {
                continue;
            }

            if (Directory.Exists(entry))
            {
                Directory.Move(entry, target);
            }
            else
            {
                File.Move(entry, target);
            }
        }

        Directory.Delete(staging, recursive: true);
        var check = StoreCheck.Run(dataPath, recordHashes: true, cancellationToken);
        return (new BackupReport(dataPath, check.Messages, check.Bodies, check.BodyBytes, 0, check.Bodies, 0, TimeProvider.System.GetElapsedTime(started)), check);
    }

    /// <summary>Opens the store once as the CLI does (which brings an older schema up to date), then closes it.</summary>
    private static void PrepareStore(VerbContext context)
    {
        if (!File.Exists(DataFolder.DatabasePath(context.DataPath)))
        {
            throw new DataFolderException($"{context.DataPath} holds no mail store (no {Path.GetFileName(DataFolder.DatabasePath(context.DataPath))})");
        }

        DataFolder.OpenAdmin(context.Settings).DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static int Print(CheckReport check, string dataPath)
    {
        foreach (var problem in check.Problems)
        {
            Console.WriteLine($"problem: {problem}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{dataPath}: schema {check.Schema}, {check.Messages} messages, {check.Bodies} bodies ({Size(check.BodyBytes)}), {check.HashesRecorded} hashes recorded now, {check.Unhashed} unhashed, {check.Orphans.Count} unreferenced files: {(check.Sound ? "sound" : $"{check.Problems.Count} problem(s)")}"));
        return check.Sound ? CliProgram.Ok : CliProgram.Failure;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024:0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024 / 1024:0.00} GiB"),
    };
}
