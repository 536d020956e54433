namespace EdgeMail.Store.Data;

/// <summary>How the store tells a full disk from other I/O failures: ENOSPC (28) on Linux, or the message that says it.</summary>
internal static class DiskErrors
{
    private const int NoSpace = 28;

    public static bool IsFull(IOException ex) =>
        (ex.HResult & 0xFFFF) == NoSpace || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
