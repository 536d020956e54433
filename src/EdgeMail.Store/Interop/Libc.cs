using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Interop;

/// <summary>
/// The few POSIX calls .NET has no managed form of. All native interop of the store lives here.
/// </summary>
internal static partial class Libc
{
    // O_RDONLY is 0 on every Linux architecture; O_DIRECTORY is not (x86-64 0x10000 is O_DIRECT on
    // arm64), so a directory is opened read-only without it.
    private const int ORdonly = 0;
    private const int FallocFlKeepSize = 0x01;
    private const int FallocFlPunchHole = 0x02;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);

    /// <summary>
    /// Makes a directory's entries (a created, renamed or removed file) durable. A rename is only
    /// on stable storage once its directory is fsynced; .NET has no managed call for this.
    /// </summary>
    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Open(path, ORdonly);
        if (fd < 0)
        {
            throw new IOException($"open({path}) for fsync failed: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            Close(fd);
        }
    }

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
}
