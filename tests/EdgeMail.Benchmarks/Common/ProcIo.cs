using System.Globalization;

namespace EdgeMail.Benchmarks.Common;

/// <summary>
/// This process's I/O counters from /proc/self/io. write_bytes counts the bytes this process caused to be
/// sent to the block layer (whole pages dirtied in the page cache), so a 10-byte append to a page
/// already written counts 4 KiB. It does not see file-system metadata written on the process's behalf
/// (inodes, directories, the ext4 journal), which the kernel writes from its own threads.
/// </summary>
internal static class ProcIo
{
    public static long WriteBytes() => Read("write_bytes:");

    /// <summary>The value of one "name: value" line of a /proc file, or 0 when absent.</summary>
    public static long Read(string key, string file = "/proc/self/io")
    {
        if (!File.Exists(file))
        {
            return 0;
        }

        foreach (var line in File.ReadLines(file))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var value = line.AsSpan(key.Length).Trim();
                var space = value.IndexOf(' ');
                return long.Parse(space < 0 ? value : value[..space], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
