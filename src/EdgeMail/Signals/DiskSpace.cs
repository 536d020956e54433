namespace EdgeMail.Signals;

/// <summary>
/// Free space on the data folder's file system against Storage:MinFreeBytes, for the status LED's error pattern and
/// `status`. Read with statvfs (through DriveInfo, which takes any path on Linux): what an unprivileged process may
/// still write, the root reserve excluded.
/// </summary>
internal sealed class DiskSpace(string dataPath, long minFreeBytes)
{
    /// <summary>Bytes the service may still write, or null if the file system cannot be asked.</summary>
    public long? FreeBytes()
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(dataPath)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Free space is below the minimum (never with the check off, or when it cannot be read).</summary>
    public bool IsLow(long? free) => minFreeBytes > 0 && free is { } bytes && bytes < minFreeBytes;
}
