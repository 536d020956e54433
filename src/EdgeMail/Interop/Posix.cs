using System.Runtime.InteropServices;

namespace EdgeMail.Interop;

// The few POSIX calls .NET has no managed form for: who owns a file, whether this process may write to a folder, and
// switching the process to another user. Linux only (the appliance's OS); callers check OperatingSystem.IsLinux().
internal static partial class Posix
{
    // faccessat(2) modes and statx(2) constants, from <unistd.h>, <fcntl.h> and <linux/stat.h>.
    private const int WriteOk = 2;
    private const int ExecuteOk = 1;
    private const int AtFdCwd = -100;
    private const uint StatxUid = 0x0008;
    private const uint StatxGid = 0x0010;
    private const uint StatxMode = 0x0002;

    public static uint EffectiveUserId() => GetEuid();

    /// <summary>Owner, group and permission bits of <paramref name="path"/>, or null where statx is missing.</summary>
    public static (uint Uid, uint Gid, UnixFileMode Mode)? Owner(string path)
    {
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxUid | StatxGid | StatxMode, out var buffer) != 0)
            {
                return null;
            }

            return (buffer.Uid, buffer.Gid, (UnixFileMode)(buffer.Mode & 0xFFF));
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Whether this process may create and remove entries in the folder (write and search permission).</summary>
    public static bool CanWriteFolder(string path) => Access(path, WriteOk | ExecuteOk) == 0;

    /// <summary>
    /// Becomes <paramref name="uid"/>/<paramref name="gid"/> for good: supplementary groups dropped, then the group,
    /// then the user (the order matters: after setresuid there is no right left to change the group). glibc applies
    /// each call to every thread of the process. Returns the errno of the call that failed, or 0.
    /// </summary>
    public static int SwitchUser(uint uid, uint gid)
    {
        if (SetGroups(0, IntPtr.Zero) != 0 || SetResGid(gid, gid, gid) != 0 || SetResUid(uid, uid, uid) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        return 0;
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, out StatxBuffer buffer);

    [LibraryImport("libc", EntryPoint = "setgroups", SetLastError = true)]
    private static partial int SetGroups(nuint size, IntPtr list);

    [LibraryImport("libc", EntryPoint = "setresgid", SetLastError = true)]
    private static partial int SetResGid(uint rgid, uint egid, uint sgid);

    [LibraryImport("libc", EntryPoint = "setresuid", SetLastError = true)]
    private static partial int SetResUid(uint ruid, uint euid, uint suid);

    // struct statx from <linux/stat.h>: the same layout on every Linux architecture (unlike struct stat), 256 bytes.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(20)]
        public uint Uid;

        [FieldOffset(24)]
        public uint Gid;

        [FieldOffset(28)]
        public ushort Mode;
    }
}
