using System.Diagnostics;
using System.Globalization;

namespace EdgeMail.Benchmarks.Common;

/// <summary>The file system a folder is on (from /proc/self/mountinfo) and what the device under it has written.</summary>
internal sealed class Disk
{
    private readonly string? _statFile;

    private Disk(string mountPoint, string type, string source)
    {
        MountPoint = mountPoint;
        Type = type;
        Source = source;
        var name = source.StartsWith("/dev/", StringComparison.Ordinal) ? source[5..] : null;
        _statFile = name is not null && File.Exists($"/sys/class/block/{name}/stat") ? $"/sys/class/block/{name}/stat" : null;
    }

    public string MountPoint { get; }

    public string Type { get; }

    public string Source { get; }

    /// <summary>tmpfs and ramfs keep files in memory: an fsync there costs nothing and proves nothing.</summary>
    public bool IsMemory => Type is "tmpfs" or "ramfs";

    public bool HasDeviceCounters => _statFile is not null;

    public override string ToString() => $"{Source} ({Type}) mounted on {MountPoint}";

    /// <summary>Bytes the whole device has written (sectors of 512 bytes, field 7 of /sys/class/block/X/stat): every process, the journal, metadata.</summary>
    public long DeviceBytesWritten()
    {
        if (_statFile is null)
        {
            return 0;
        }

        var fields = File.ReadAllText(_statFile).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[6], CultureInfo.InvariantCulture) * 512;
    }

    public static Disk Of(string folder)
    {
        var full = Path.GetFullPath(folder);
        Disk best = new("/", "unknown", "unknown");
        foreach (var line in File.Exists("/proc/self/mountinfo") ? File.ReadLines("/proc/self/mountinfo") : [])
        {
            // id parent major:minor root mount-point options [optional...] - type source super-options
            var parts = line.Split(' ');
            var dash = Array.IndexOf(parts, "-");
            if (parts.Length < 5 || dash < 0 || dash + 2 >= parts.Length)
            {
                continue;
            }

            var mount = parts[4].Replace("\\040", " ", StringComparison.Ordinal);
            var inside = full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (inside && mount.Length >= best.MountPoint.Length)
            {
                best = new Disk(mount, parts[dash + 1], parts[dash + 2]);
            }
        }

        return best;
    }

    /// <summary>Bytes of disk allocated to the files under a folder (du -s -B1), or -1 when du is missing.</summary>
    public static long AllocatedBytes(string folder)
    {
        try
        {
            var info = new ProcessStartInfo("du", ["-s", "-B1", folder]) { RedirectStandardOutput = true, UseShellExecute = false };
            using var du = Process.Start(info)!;
            var output = du.StandardOutput.ReadToEnd();
            du.WaitForExit();
            return du.ExitCode == 0 ? long.Parse(output.Split('\t')[0], CultureInfo.InvariantCulture) : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
