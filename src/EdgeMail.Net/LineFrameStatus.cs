namespace EdgeMail.Net;

/// <summary>What <see cref="LineFramer.TryRead"/> found.</summary>
public enum LineFrameStatus
{
    /// <summary>No complete line yet: read more, having examined everything that is buffered.</summary>
    Incomplete,

    /// <summary>A line, without its CRLF or LF.</summary>
    Line,

    /// <summary>A line longer than the cap ended; its bytes were discarded. Reported once per such line.</summary>
    TooLong,
}
