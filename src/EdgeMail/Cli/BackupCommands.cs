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
    public static Task<int> BackupAsync(VerbContext context, string? destination, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        destination ??= settings.Backup.Path ?? throw new UsageException("backup: give the destination folder, or set Backup:Path");
        PrepareStore(context);
        var report = StoreBackup.Create(context.DataPath, destination, EdgeMailConfiguration.FileOf(context.Configuration), ProductVersion.Current, cancellationToken: cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"backup of {context.DataPath} in {report.Destination}: {report.Messages} messages, {Size(report.BodyBytes)} of bodies; {Size(report.BytesCopied)} copied, {report.BodiesVerified} bodies read back and verified, {report.FilesRemoved} files no longer needed removed ({report.Took.TotalSeconds:0.0} s)"));
        Console.WriteLine("it holds the box's keys in clear (manifest.json says so): keep it where only you can read it");
        return Task.FromResult(CliProgram.Ok);
    }

    public static Task<int> RestoreAsync(VerbContext context, string source, CancellationToken cancellationToken)
    {
        // Into an existing empty folder (the package's /var/lib/edgemail): as its owner, so the service can open it.
        DataFolder.AdoptOwner(context.DataPath);
        var (report, check) = StoreBackup.Restore(source, context.DataPath, cancellationToken: cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restored {Path.GetFullPath(source)} into {report.Destination}: {report.Messages} messages, {Size(report.BodyBytes)} of bodies ({report.Took.TotalSeconds:0.0} s)"));
        var config = Path.Combine(Path.GetFullPath(source), StoreBackup.ConfigFolder);
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
