using System.Runtime.InteropServices;

namespace EdgeMail.Net.Interop;

// .NET has no managed way to fsync a directory, which makes a rename durable (rename(2) changes the directory,
// not the file). Linux only: the appliance's platform; elsewhere the rename is left to the OS.
internal static partial class Libc
{
    private const int ReadOnly = 0; // O_RDONLY; the same value on every Linux architecture, unlike O_DIRECTORY.

    public static void FsyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Open(path, ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory '{path}' to flush it: errno {Marshal.GetLastPInvokeError()}.");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot flush directory '{path}': errno {Marshal.GetLastPInvokeError()}.");
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
