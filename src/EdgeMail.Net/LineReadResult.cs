namespace EdgeMail.Net;

/// <summary>A line, or why there is none.</summary>
public readonly struct LineReadResult
{
    internal LineReadResult(LineReadStatus status, ReadOnlyMemory<byte> line = default, bool endsWithBareLineFeed = false)
    {
        Status = status;
        Line = line;
        EndsWithBareLineFeed = endsWithBareLineFeed;
    }

    public LineReadStatus Status { get; }

    /// <summary>
    /// The line without its CRLF or LF. It lives in a pooled buffer that the next call on the
    /// <see cref="LineReader"/> (or its disposal) returns to the pool: parse it, or copy what must outlive it.
    /// For <see cref="LineReadStatus.TooLong"/>, the line's first bytes (at most 64), which the protocol may use to
    /// name what it refuses.
    /// </summary>
    public ReadOnlyMemory<byte> Line { get; }

    /// <summary>The line ended with a bare LF rather than CRLF (RFC 5321 §2.3.8 allows only CRLF).</summary>
    public bool EndsWithBareLineFeed { get; }
}
