using System.Globalization;
using EdgeMail.Configuration;
using EdgeMail.Interop;
using EdgeMail.Store;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Cli;

/// <summary>
/// The checks before a verb opens the data folder, so that what a user can get wrong is said in our own words (the
/// runtime's are resource keys in the published binary, UseSystemResourceKeys), and the switch to the folder's owner
/// that keeps root from leaving root-owned files (SQLite's -wal and -shm, segments) in the service's folder.
/// </summary>
internal static class DataFolder
{
    public const string DatabaseName = "edgemail.db";

    public static string DatabasePath(string dataPath) => Path.Combine(dataPath, DatabaseName);

    /// <summary>
    /// Run as root on an existing folder that another user owns, become that user (and its group) for the rest of
    /// the process: every file the store creates is then the service's, as if the service had made it.
    /// </summary>
    public static void AdoptOwner(string dataPath)
    {
        if (!OperatingSystem.IsLinux() || Posix.EffectiveUserId() != 0 || !Directory.Exists(dataPath))
        {
            return;
        }

        if (Posix.Owner(dataPath) is not { } owner || owner.Uid == 0)
        {
            return;
        }

        var errno = Posix.SwitchUser(owner.Uid, owner.Gid);
        if (errno != 0)
        {
            throw new DataFolderException(string.Create(CultureInfo.InvariantCulture, $"cannot act as the owner of the data folder {dataPath} (uid {owner.Uid}, gid {owner.Gid}): switching user failed with errno {errno}"));
        }
    }

    /// <summary>Fails with one line when the folder cannot be created or written.</summary>
    public static void CheckWritable(string dataPath)
    {
        if (File.Exists(dataPath))
        {
            throw new DataFolderException($"the data folder {dataPath} is a file, not a folder (give a folder with --data or Storage:Path)");
        }

        if (!Directory.Exists(dataPath))
        {
            var parent = Path.GetDirectoryName(dataPath);
            while (parent is not null && !Directory.Exists(parent) && !File.Exists(parent))
            {
                parent = Path.GetDirectoryName(parent);
            }

            if (parent is not null && File.Exists(parent))
            {
                throw new DataFolderException($"the data folder {dataPath} cannot be created: {parent} is a file, not a folder");
            }

            if (parent is not null && OperatingSystem.IsLinux() && !Posix.CanWriteFolder(parent))
            {
                throw new DataFolderException($"the data folder {dataPath} cannot be created: no permission to write in {parent}{Describe(parent)}");
            }

            return;
        }

        if (OperatingSystem.IsLinux() && !Posix.CanWriteFolder(dataPath))
        {
            throw new DataFolderException($"cannot write to the data folder {dataPath}{Describe(dataPath)}: run edgemail as the folder's owner or as root, or give it write permission");
        }
    }

    /// <summary>The store for an admin verb: owner switch, checks, then the open with SQLite's failures said in one line.</summary>
    public static MailStore OpenAdmin(EdgeMailSettings settings)
    {
        var dataPath = Path.GetFullPath(settings.Storage.Path);
        AdoptOwner(dataPath);
        CheckWritable(dataPath);
        try
        {
            return MailStore.Open(settings.Storage, StoreOpenMode.Admin);
        }
        catch (SqliteException ex)
        {
            throw new DataFolderException($"the mail store in {dataPath} cannot be opened: {CliProgram.OneLine(ex.Message)}");
        }
        catch (UnauthorizedAccessException)
        {
            throw new DataFolderException($"the mail store in {dataPath} cannot be opened: permission denied{Describe(dataPath)}");
        }
    }

    private static string Describe(string path) =>
        OperatingSystem.IsLinux() && Posix.Owner(path) is { } owner
            ? string.Create(CultureInfo.InvariantCulture, $" (owned by uid {owner.Uid}, mode {Convert.ToString((int)owner.Mode, 8).PadLeft(4, '0')}, and edgemail runs as uid {Posix.EffectiveUserId()})")
            : "";
}
