namespace EdgeMail.Hosting;

/// <summary>
/// When to trim, from the process's running count of allocated bytes sampled on a clock: after
/// <see cref="MemoryOptions.TrimAfterQuiet"/> of quiet that followed enough allocation. Pure, so tests feed it
/// numbers; <see cref="MemoryTrimmer"/> feeds it the real ones.
/// </summary>
internal sealed class MemoryTrimPolicy(MemoryOptions options, long allocatedBytes, TimeSpan now)
{
    // Allocation per sample below which the process counts as quiet: a status poll or a few IMAP NOOPs stay under
    // it, a burst of logins or a message being delivered does not.
    internal const long QuietBytesPerSample = 256 * 1024;

    private long _lastSample = allocatedBytes;
    private long _atLastTrim = allocatedBytes;
    private TimeSpan _quietSince = now;

    /// <summary>Takes one sample; true when a trim is due now (the caller then trims and calls <see cref="Trimmed"/>).</summary>
    public bool Sample(long allocatedBytes, TimeSpan now)
    {
        if (allocatedBytes - _lastSample > QuietBytesPerSample)
        {
            _quietSince = now;
        }

        _lastSample = allocatedBytes;
        return options.TrimAfterQuiet > TimeSpan.Zero
            && allocatedBytes - _atLastTrim >= options.TrimMinimumAllocatedBytes
            && now - _quietSince >= options.TrimAfterQuiet;
    }

    public void Trimmed(long allocatedBytes) => _atLastTrim = _lastSample = allocatedBytes;
}
