using EdgeMail.Signals;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Signals;

public sealed class DiskSpaceTests
{
    [Fact]
    public void Free_space_is_read_for_any_folder_and_compared_with_the_minimum()
    {
        using var data = new TempFolder();
        var free = new DiskSpace(data.Path, 1).FreeBytes();
        Assert.NotNull(free);

        // The same figure df gives for the folder's file system (statvfs f_bavail), within what changed meanwhile.
        var drive = DriveInfo.GetDrives().Where(d => data.Path.StartsWith(d.RootDirectory.FullName, StringComparison.Ordinal)).MaxBy(d => d.RootDirectory.FullName.Length)!;
        Assert.InRange(free!.Value, drive.AvailableFreeSpace - (64L << 20), drive.AvailableFreeSpace + (64L << 20));

        Assert.False(new DiskSpace(data.Path, 1).IsLow(free));
        Assert.True(new DiskSpace(data.Path, free.Value + 1).IsLow(free));
        Assert.False(new DiskSpace(data.Path, 0).IsLow(0), "0 turns the check off");
        Assert.False(new DiskSpace(data.Path, 1).IsLow(null), "an unreadable file system is not reported as low");
    }
}
