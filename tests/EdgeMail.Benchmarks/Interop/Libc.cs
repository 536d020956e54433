using System.Runtime.InteropServices;

namespace EdgeMail.Benchmarks.Interop;

/// <summary>The POSIX calls the benchmarks need and .NET has no managed form of (as src/EdgeMail.Store/Interop/Libc.cs).</summary>
internal static partial class Libc
{
    // _SC_CLK_TCK is 2 in glibc and musl on every architecture.
    private const int ScClkTck = 2;

    public const int Sigterm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long Sysconf(int name);

    /// <summary>The unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on Linux).</summary>
    public static long ClockTicksPerSecond => Sysconf(ScClkTck) is > 0 and var ticks ? ticks : 100;

    // RLIMIT_NOFILE is 7 on x86-64 and arm64; struct rlimit is two unsigned longs (cur, max).
    private const int RlimitNofile = 7;

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRlimit(int resource, in Rlimit limit);

    /// <summary>
    /// Raises this process's soft limit of open files to at least wanted (up to the hard limit, or
    /// beyond it when running as root). Child processes inherit it.
    /// </summary>
    public static void RaiseFileLimit(int wanted)
    {
        if (GetRlimit(RlimitNofile, out var limit) != 0 || limit.Current >= (ulong)wanted)
        {
            return;
        }

        var raised = new Rlimit { Current = (ulong)wanted, Maximum = Math.Max(limit.Maximum, (ulong)wanted) };
        if (SetRlimit(RlimitNofile, raised) != 0)
        {
            raised = new Rlimit { Current = limit.Maximum, Maximum = limit.Maximum };
            _ = SetRlimit(RlimitNofile, raised);
        }
    }

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new IOException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }
}
