using System.Globalization;
using EdgeMail.Benchmarks.Interop;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// CPU time of a process and all its descendants, from utime and stime in /proc/PID/stat (fields 14 and 15,
/// in clock ticks, every thread included). A snapshot maps each live process to its ticks, so a delta
/// also covers processes started between two snapshots (Dovecot starts a pop3 process per session).
/// </summary>
internal static class ProcessCpu
{
    public static Dictionary<int, long> Snapshot(int root)
    {
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Read(pid) is not { } stat)
            {
                continue;
            }

            parents[pid] = stat.Parent;
            ticks[pid] = stat.Ticks;
        }

        var tree = new Dictionary<int, long>();
        foreach (var (pid, value) in ticks)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (p == root)
                {
                    tree[pid] = value;
                    break;
                }
            }
        }

        return tree;
    }

    /// <summary>Seconds of CPU the tree used between two snapshots; a process absent from the first counts from zero.</summary>
    public static double Seconds(Dictionary<int, long> before, Dictionary<int, long> after) =>
        after.Sum(p => p.Value - before.GetValueOrDefault(p.Key)) / (double)Libc.ClockTicksPerSecond;

    private static (int Parent, long Ticks)? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }

        // pid (comm) state ppid ...: comm may hold spaces and parentheses, so fields are counted after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (int.Parse(fields[1], CultureInfo.InvariantCulture),
            long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }
}
