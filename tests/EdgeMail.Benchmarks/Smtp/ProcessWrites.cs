using System.Globalization;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// write_bytes (and cancelled_write_bytes) from /proc/PID/io, summed over the process trees under some roots.
/// The counters of a child that exits are added to its parent's when the parent reaps it (wait_task_zombie in
/// kernel/exit.c), so the sum over a tree before and after an interval includes the processes that started and
/// ended within it (Postfix's smtpd, cleanup and lmtp, Dovecot's lmtp), as long as a process of the tree reaps them.
/// </summary>
internal static class ProcessWrites
{
    public static (long Written, long Cancelled) Snapshot(IReadOnlyCollection<int> roots)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Parent(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        long written = 0, cancelled = 0;
        foreach (var pid in parents.Keys)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (roots.Contains(p))
                {
                    var (w, c) = Read(pid);
                    written += w;
                    cancelled += c;
                    break;
                }
            }
        }

        return (written, cancelled);
    }

    private static int? Parent(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");

            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so fields are counted after the last ')'.
            return int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // exited meanwhile
        }
    }

    private static (long Written, long Cancelled) Read(int pid)
    {
        long written = 0, cancelled = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/io"))
            {
                if (line.StartsWith("write_bytes:", StringComparison.Ordinal))
                {
                    written = long.Parse(line.AsSpan("write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("cancelled_write_bytes:", StringComparison.Ordinal))
                {
                    cancelled = long.Parse(line.AsSpan("cancelled_write_bytes:".Length).Trim(), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
            // exited meanwhile: its counters are now its parent's
        }

        return (written, cancelled);
    }
}
