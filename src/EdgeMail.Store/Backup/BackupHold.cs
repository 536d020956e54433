using EdgeMail.Store.Interop;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Backup;

/// <summary>
/// Keeps the service from freeing body space while a backup or a check reads the bodies of a database snapshot:
/// a shared flock(2) on &lt;data&gt;/backup.lock, in any process. The service's writer takes the lock exclusively,
/// without waiting, around each reclaim; while a hold exists it keeps what died for later (a dead body stays
/// readable at its place), and recovery at the next start frees whatever a stop left pending.
/// </summary>
public sealed class BackupHold : IDisposable
{
    public const string FileName = "backup.lock";

    private readonly SafeFileHandle _handle;

    private BackupHold(SafeFileHandle handle) => _handle = handle;

    /// <summary>Takes a hold on <paramref name="dataPath"/>, waiting for a reclaim in progress to end.</summary>
    public static BackupHold Take(string dataPath)
    {
        var handle = OpenLockFile(dataPath);
        try
        {
            Libc.LockShared(handle);
            return new BackupHold(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public void Dispose() => _handle.Dispose();

    internal static SafeFileHandle OpenLockFile(string dataPath) =>
        File.OpenHandle(Path.Combine(dataPath, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
}
