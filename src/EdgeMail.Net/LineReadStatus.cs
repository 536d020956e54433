namespace EdgeMail.Net;

/// <summary>Outcome of <see cref="LineReader.ReadLineAsync"/>.</summary>
public enum LineReadStatus
{
    /// <summary>A line arrived; see <see cref="LineReadResult.Line"/>.</summary>
    Line,

    /// <summary>A line over the cap arrived and was discarded; answer once (<c>500 5.5.0</c>, <c>BAD</c>, <c>-ERR</c>).</summary>
    TooLong,

    /// <summary>
    /// The line did not complete in time, or the phase deadline passed (<see cref="LineReader.DeadlinePassed"/>); say
    /// goodbye (<c>421 4.4.2</c>, <c>* BYE</c>, <c>-ERR</c>) and close.
    /// </summary>
    TimedOut,

    /// <summary>The client closed its side; a partial last line is dropped.</summary>
    Closed,
}
