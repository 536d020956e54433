namespace EdgeMail.Net;

/// <summary>Outcome of <see cref="LineReader.CopyBytesAsync"/>.</summary>
public enum CopyStatus
{
    /// <summary>All the bytes were read.</summary>
    Completed,

    /// <summary>No byte arrived within the inactivity timeout, or the phase deadline passed (<see cref="LineReader.DeadlinePassed"/>).</summary>
    TimedOut,

    /// <summary>The client closed its side before sending them all.</summary>
    Closed,
}
