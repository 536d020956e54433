namespace EdgeMail.Hosting;

/// <summary>
/// Giving memory back after a burst (section Memory). The garbage collector keeps the heap it grew to while a
/// hundred clients logged in at once until the next collection, which a quiet server never reaches; on a board
/// with 512 MiB that is memory the kernel's page cache (the mail store's reads) could use.
/// </summary>
public sealed class MemoryOptions
{
    /// <summary>
    /// After this long with next to no allocation, one full compacting collection returns the unused heap to the
    /// system. 2 s: past the end of a burst of logins or a mail fetch, short enough that the memory is back before
    /// anyone looks. Zero turns trimming off.
    /// </summary>
    public TimeSpan TrimAfterQuiet { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Trims only when at least this much was allocated since the last trim (4 MiB, the size of one heap region of
    /// the collector): smaller growth is not worth a full collection.
    /// </summary>
    public long TrimMinimumAllocatedBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The first problem with these values, naming the key, or null.</summary>
    public static string? FirstProblem(MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TrimAfterQuiet < TimeSpan.Zero || options.TrimAfterQuiet > TimeSpan.FromHours(1))
        {
            return "Memory:TrimAfterQuiet must be between 00:00:00 (off) and 01:00:00";
        }

        return options.TrimMinimumAllocatedBytes < 0 ? "Memory:TrimMinimumAllocatedBytes must not be negative" : null;
    }
}
