using System.Buffers;

namespace EdgeMail.Net;

/// <summary>
/// Finds lines in a pipe's buffer with a hard cap, never buffering past it. Pure: the caller owns the pipe and
/// keeps the discard flag between reads (see <see cref="LineReader"/>, which does both).
/// </summary>
/// <remarks>
/// Mail protocols end lines with CRLF (RFC 5321 §2.3.8, RFC 9051 §2.2, RFC 1939 §3). A bare LF also ends a line
/// here and is reported, so that SMTP can refuse it where smuggling matters (RFC 5321 §2.3.8, §4.1.1.4); the CR
/// before the LF is stripped, and a CR anywhere else stays in the line for the protocol to judge.
/// </remarks>
public static class LineFramer
{
    /// <summary>
    /// Tries to take one line off the front of <paramref name="buffer"/>, which is then sliced to what remains
    /// unconsumed. After <see cref="LineFrameStatus.Incomplete"/>, call
    /// <c>AdvanceTo(buffer.Start, buffer.End)</c>: everything was examined, and in discard mode consumed too.
    /// After a line, use <paramref name="line"/> (a slice of the old buffer) and then <c>AdvanceTo(buffer.Start)</c>.
    /// </summary>
    /// <param name="maxLineBytes">
    /// Cap on a line including its terminator, as RFC 5321 §4.5.3.1.4 counts ("including the command word and the
    /// &lt;CRLF&gt;"). Past the cap the framer enters discard mode: it drops bytes up to the next LF, holding none
    /// of them, and then reports <see cref="LineFrameStatus.TooLong"/> once.
    /// </param>
    /// <param name="discarding">Discard-mode flag, kept by the caller across reads; starts false.</param>
    /// <param name="endsWithBareLineFeed">True when the line ended with LF not preceded by CR.</param>
    public static LineFrameStatus TryRead(
        ref ReadOnlySequence<byte> buffer,
        int maxLineBytes,
        ref bool discarding,
        out ReadOnlySequence<byte> line,
        out bool endsWithBareLineFeed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 2);
        line = default;
        endsWithBareLineFeed = false;

        if (!discarding)
        {
            // Only the first maxLineBytes can hold the LF of an acceptable line; scanning further is wasted work.
            var window = buffer.Length > maxLineBytes ? buffer.Slice(0, maxLineBytes) : buffer;
            var lf = window.PositionOf((byte)'\n');
            if (lf is { } end)
            {
                line = buffer.Slice(0, end);
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                if (!line.IsEmpty && EndsWithCarriageReturn(line))
                {
                    line = line.Slice(0, line.Length - 1);
                }
                else
                {
                    endsWithBareLineFeed = true;
                }
                return LineFrameStatus.Line;
            }

            if (buffer.Length < maxLineBytes)
            {
                return LineFrameStatus.Incomplete;
            }

            // maxLineBytes bytes and no LF: the line cannot fit any more. Drop what we hold and keep dropping.
            discarding = true;
            buffer = buffer.Slice(window.End);
        }

        var discardEnd = buffer.PositionOf((byte)'\n');
        if (discardEnd is null)
        {
            buffer = buffer.Slice(buffer.End);
            return LineFrameStatus.Incomplete;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, discardEnd.Value));
        discarding = false;
        return LineFrameStatus.TooLong;
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return line.FirstSpan[^1] == (byte)'\r';
        }
        Span<byte> last = stackalloc byte[1];
        line.Slice(line.Length - 1).CopyTo(last);
        return last[0] == (byte)'\r';
    }
}
