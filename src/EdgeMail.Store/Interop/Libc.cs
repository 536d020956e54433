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
}
