using System.Runtime.InteropServices;

namespace EdgeMail.Shared.Interop;

/// <summary>
/// Makes a directory's entries (a created, renamed or removed file) durable: a rename is only on stable storage once
/// its directory is fsynced, and .NET has no managed call for it. One source file linked into Net (the certificate)
/// and Store (the bodies), which may not reference each other, so that both guard the same platforms.
/// </summary>
internal static partial class DirectoryFsync
{
    // O_RDONLY is 0 on every Linux architecture; O_DIRECTORY is not (x86-64 0x10000 is O_DIRECT on arm64), so a
    // directory is opened read-only without it.
    private const int ReadOnly = 0;

    /// <summary>fsync(2) of the directory on Linux, macOS and FreeBSD; elsewhere the rename is left to the OS.</summary>
    public static void Flush(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open the folder '{path}' to flush it: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush the folder '{path}': errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
