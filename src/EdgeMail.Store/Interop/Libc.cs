using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Interop;

/// <summary>
/// The POSIX calls of the store that .NET has no managed form of (the directory fsync is the shared DirectoryFsync).
/// </summary>
internal static partial class Libc
{
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);

    /// <summary>
    /// Frees the blocks of a byte range inside a file without changing its size or the offsets of
    /// anything else in it (Linux fallocate(2) FALLOC_FL_PUNCH_HOLE). Only whole blocks are freed,
    /// so callers pass block-aligned ranges: a partial block would be zeroed, which is a write.
    /// Returns false where the file system does not support it; the space is then reclaimed when
    /// the whole segment dies.
    /// </summary>
    public static bool PunchHole(SafeFileHandle handle, long offset, long length)
    {
        if (!OperatingSystem.IsLinux() || length <= 0)
        {
            return false;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var fd = (int)handle.DangerousGetHandle();
            return Fallocate(fd, FallocFlPunchHole | FallocFlKeepSize, offset, length) == 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private const int LockSharedOp = 1;
    private const int LockExclusiveOp = 2;
    private const int LockNonBlockingOp = 4;
    private const int LockUnlockOp = 8;
    private const int Eintr = 4;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockCall(int fd, int operation);

    /// <summary>flock(2) LOCK_SH, waiting for it: the reader's side of <see cref="Backup.BackupHold"/>.</summary>
    public static void LockShared(SafeFileHandle handle)
    {
        while (Flock(handle, LockSharedOp) != 0)
        {
            if (Marshal.GetLastPInvokeError() != Eintr)
            {
                throw new IOException($"flock failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
    }

    /// <summary>flock(2) LOCK_EX without waiting: false while any reader holds its shared lock.</summary>
    public static bool TryLockExclusive(SafeFileHandle handle) => Flock(handle, LockExclusiveOp | LockNonBlockingOp) == 0;

    public static void Unlock(SafeFileHandle handle) => Flock(handle, LockUnlockOp);

    private static int Flock(SafeFileHandle handle, int operation)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return 0;
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return FlockCall((int)handle.DangerousGetHandle(), operation);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
