using System.Buffers;
using System.IO.Pipelines;

namespace EdgeMail.Net;

/// <summary>
/// Reads capped lines and counted byte runs from a connection's input, with a deadline per line. It owns the
/// <c>AdvanceTo</c> calls, and between calls nothing is left examined-but-unconsumed, so a protocol may also read
/// <see cref="MailConnection.Input"/> directly (SMTP's dot-unstuffing of DATA, for instance).
/// </summary>
/// <remarks>
/// The deadline is per line, not per read: a client that trickles one byte at a time cannot keep a line open
/// forever (the slowloris attack). A whole phase of the conversation (before login, a whole SMTP session) is bounded
/// too, by <see cref="SetDeadline"/>: every read and byte run waits at most until then, so the lines, literals, DATA
/// and BDAT of the phase together cannot outlast it. A single timer per reader, armed only when a read has to wait,
/// wakes the pending read with <see cref="PipeReader.CancelPendingRead"/>, so a timeout costs no exception and no
/// allocation. Not thread-safe: one reader per connection, used by the session loop.
/// </remarks>
public sealed class LineReader : IDisposable
{
    private readonly TimeProvider _time;
    private PipeReader? _input;
    private ITimer? _timer;
    // The current read's deadline (its own timeout clamped to the phase's), and the phase's: timestamps of _time,
    // long.MaxValue for none.
    private long _deadline = long.MaxValue;
    private long _phaseDeadline = long.MaxValue;
    private bool _discarding;
    private byte[]? _lineBuffer;
    private volatile bool _disposed;

    public LineReader(PipeReader input, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Ends the current phase of the conversation <paramref name="within"/> from now: from then on every read reports
    /// <see cref="LineReadStatus.TimedOut"/> (or <see cref="CopyStatus.TimedOut"/>), and a read waiting meanwhile
    /// waits no longer than that, whatever its own timeout. Bytes arriving never move it, so a client dribbling
    /// one byte a second cannot hold the connection past it. It stays until <see cref="ClearDeadline"/> or the next
    /// call, across STARTTLS. Measured on the monotonic timestamp of the reader's <see cref="TimeProvider"/>, not the
    /// wall clock, which a box without a real-time clock sees jump when NTP first sets it.
    /// </summary>
    /// <param name="within">Positive and at most a day.</param>
    public void SetDeadline(TimeSpan within)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (within <= TimeSpan.Zero || within > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(within), within, "A deadline must be positive and at most a day away.");
        }
        _phaseDeadline = _time.GetTimestamp() + ToTimestampTicks(within);
    }

    /// <summary>Removes the phase deadline (the client logged in): reads are bounded by their own timeouts again.</summary>
    public void ClearDeadline() => _phaseDeadline = long.MaxValue;

    /// <summary>
    /// The deadline set by <see cref="SetDeadline"/> has passed. After a read timed out, this tells the phase's end
    /// (answered with the protocol's deadline reply) from a read's own timeout.
    /// </summary>
    public bool DeadlinePassed => _phaseDeadline != long.MaxValue && _time.GetTimestamp() >= _phaseDeadline;

    // The time left before the phase deadline, at most `limit` (for the TLS handshake, which reads no line).
    internal TimeSpan ClampToDeadline(TimeSpan limit)
    {
        if (_phaseDeadline == long.MaxValue)
        {
            return limit;
        }
        long now = _time.GetTimestamp();
        var left = now >= _phaseDeadline ? TimeSpan.Zero : _time.GetElapsedTime(now, _phaseDeadline);
        return left < limit ? left : limit;
    }

    /// <summary>
    /// Reads the next line of at most <paramref name="maxLineBytes"/> bytes including its terminator. A longer line
    /// is discarded up to its LF without being buffered, and reported once as <see cref="LineReadStatus.TooLong"/>.
    /// </summary>
    /// <param name="timeout">
    /// Time for the whole line to arrive, from this call (<see cref="Timeout.InfiniteTimeSpan"/> for none). The
    /// line's bytes arriving slowly do not extend it.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait by throwing, as usual (the stopping token, typically).</param>
    public async ValueTask<LineReadResult> ReadLineAsync(int maxLineBytes, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 2);
        CheckTimeout(timeout);
        ReturnLineBuffer();
        if (DeadlinePassed)
        {
            // Even a line already buffered: the phase is over (a slow login may have used up the rest of it).
            return new LineReadResult(LineReadStatus.TimedOut);
        }

        var input = Input;
        bool armed = false;
        try
        {
            // Pipelined lines are already buffered: take them without touching the timer.
            if (!input.TryRead(out var result))
            {
                armed = Arm(timeout);
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            while (true)
            {
                var buffer = result.Buffer;
                bool wasDiscarding = _discarding;
                var status = LineFramer.TryRead(ref buffer, maxLineBytes, ref _discarding, out var line, out bool bareLineFeed);
                if (!wasDiscarding && (_discarding || status == LineFrameStatus.TooLong))
                {
                    // The line is being dropped: keep its first bytes, so that the protocol can say which command
                    // it refuses (an IMAP tag, RFC 9051 §7.1).
                    KeepHead(result.Buffer);
                }
                if (status == LineFrameStatus.Line)
                {
                    var copy = CopyLine(line);
                    input.AdvanceTo(buffer.Start);
                    return new LineReadResult(LineReadStatus.Line, copy, bareLineFeed);
                }
                if (status == LineFrameStatus.TooLong)
                {
                    input.AdvanceTo(buffer.Start);
                    return new LineReadResult(LineReadStatus.TooLong, TakeHead());
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return new LineReadResult(LineReadStatus.Closed);
                }
                if (result.IsCanceled && HasExpired())
                {
                    return new LineReadResult(LineReadStatus.TimedOut);
                }
                if (!armed)
                {
                    armed = Arm(timeout);
                }
                result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (armed)
            {
                Disarm();
            }
        }
    }

    /// <summary>
    /// Reads exactly <paramref name="byteCount"/> bytes into <paramref name="destination"/>, or discards them when it
    /// is null (a refused IMAP literal or BDAT chunk: read to its end, store nothing, reply once). For IMAP literals
    /// (RFC 9051 §4.3) and SMTP BDAT (RFC 3030 §2); bytes after them stay in the input.
    /// </summary>
    /// <param name="inactivityTimeout">
    /// Longest wait for the next byte (<see cref="Timeout.InfiniteTimeSpan"/> for none). Unlike a line's deadline it
    /// restarts on progress, as RFC 5321 §4.5.3.2.5 times each data block: the size is announced and capped by the
    /// protocol, so a slow sender of a large message is not cut off. The phase deadline (<see cref="SetDeadline"/>)
    /// still bounds the whole run.
    /// </param>
    public async ValueTask<CopyStatus> CopyBytesAsync(long byteCount, Stream? destination, TimeSpan inactivityTimeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(byteCount);
        CheckTimeout(inactivityTimeout);
        ReturnLineBuffer();

        var input = Input;
        bool armed = false;
        long remaining = byteCount;
        try
        {
            while (remaining > 0)
            {
                if (DeadlinePassed)
                {
                    // Checked on every pass, so a run that never has to wait (a fast sender) ends at it too.
                    return CopyStatus.TimedOut;
                }

                if (!input.TryRead(out var result))
                {
                    if (!armed)
                    {
                        armed = Arm(inactivityTimeout);
                    }
                    result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
                }

                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    var chunk = buffer.Slice(0, Math.Min(remaining, buffer.Length));
                    try
                    {
                        if (destination is not null)
                        {
                            foreach (var segment in chunk)
                            {
                                await destination.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                    finally
                    {
                        input.AdvanceTo(chunk.End);
                    }
                    remaining -= chunk.Length;
                    if (armed)
                    {
                        // Progress moves the inactivity deadline, never past the phase's.
                        _deadline = Math.Min(
                            inactivityTimeout == Timeout.InfiniteTimeSpan ? long.MaxValue : _time.GetTimestamp() + ToTimestampTicks(inactivityTimeout),
                            _phaseDeadline);
                        if (result.IsCanceled && HasExpired())
                        {
                            // The timer fired as these bytes arrived, at the phase deadline; otherwise HasExpired set
                            // it again for the moved deadline.
                            return CopyStatus.TimedOut;
                        }
                    }
                    continue;
                }

                input.AdvanceTo(buffer.Start);
                if (result.IsCompleted)
                {
                    return CopyStatus.Closed;
                }
                if (result.IsCanceled && HasExpired())
                {
                    return CopyStatus.TimedOut;
                }
            }
            return CopyStatus.Completed;
        }
        finally
        {
            if (armed)
            {
                Disarm();
            }
        }
    }

    /// <summary>
    /// True when a whole line is already buffered (a pipelining client sent its next command). The protocol can then
    /// answer it before flushing, so a burst of pipelined commands costs one write, not one per command.
    /// </summary>
    public bool HasBufferedLine()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var input = Input;
        if (!input.TryRead(out var result))
        {
            return false;
        }

        var found = !_discarding && result.Buffer.PositionOf((byte)'\n') is not null;
        input.AdvanceTo(result.Buffer.Start);
        return found;
    }

    /// <summary>Returns the last line's buffer to the pool and stops the timer.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _timer?.Dispose();
        ReturnLineBuffer();
    }

    // Before a long wait outside this reader (MailConnection.WaitForInputAsync): the last line is consumed by then,
    // and the timer is made again by the next read that has to wait.
    internal void ReleaseForWait()
    {
        ReturnLineBuffer();
        _timer?.Dispose();
        _timer = null;
    }

    // The connection released its pipes (MailConnection.ReleasePipes); Reset gives the new reader.
    internal void Detach() => _input = null;

    private PipeReader Input => _input ?? throw new InvalidOperationException("The connection's pipes were released; read through MailConnection.Lines.");

    // After STARTTLS the connection reads through new pipes; the old one held nothing (checked before the upgrade).
    internal void Reset(PipeReader input)
    {
        ReturnLineBuffer();
        _input = input;
        _discarding = false;
    }

    // Bytes of a refused line kept for its TooLong result; as long as an IMAP tag may be, and no longer.
    private const int HeadBytes = 64;
    private byte[]? _head;
    private int _headLength;

    private void KeepHead(in ReadOnlySequence<byte> buffer)
    {
        _head ??= new byte[HeadBytes];
        _headLength = (int)Math.Min(HeadBytes, buffer.Length);
        buffer.Slice(0, _headLength).CopyTo(_head);
    }

    private ReadOnlyMemory<byte> TakeHead()
    {
        var head = _head is null ? ReadOnlyMemory<byte>.Empty : _head.AsMemory(0, _headLength);
        _head = null;
        return head;
    }

    private ReadOnlyMemory<byte> CopyLine(in ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        int length = (int)line.Length;
        _lineBuffer = ArrayPool<byte>.Shared.Rent(length);
        line.CopyTo(_lineBuffer);
        return _lineBuffer.AsMemory(0, length);
    }

    // Returned before each read rather than kept, so that a connection waiting for its next line holds no buffer.
    private void ReturnLineBuffer()
    {
        if (_lineBuffer is { } buffer)
        {
            _lineBuffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The read's deadline is its own timeout from now or the phase deadline, whichever comes first.
    private bool Arm(TimeSpan timeout)
    {
        long now = _time.GetTimestamp();
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : now + ToTimestampTicks(timeout);
        deadline = Math.Min(deadline, _phaseDeadline);
        if (deadline == long.MaxValue)
        {
            return false;
        }
        _deadline = deadline;
        _timer ??= _time.CreateTimer(static state => ((LineReader)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Until(now, deadline), Timeout.InfiniteTimeSpan);
        return true;
    }

    private TimeSpan Until(long now, long deadline)
    {
        var left = deadline <= now ? TimeSpan.Zero : _time.GetElapsedTime(now, deadline);
        return left < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : left;
    }

    private void Disarm()
    {
        _deadline = long.MaxValue;
        if (!_disposed)
        {
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        if (!_disposed)
        {
            _input?.CancelPendingRead();
        }
    }

    // A cancelled read is a timeout only once the deadline has passed. Otherwise the wake-up came early (timer
    // granularity, or progress moved the deadline of a byte run) or from a timer of an earlier line that fired as
    // it was being disarmed: wait for the rest of the time.
    private bool HasExpired()
    {
        if (_deadline == long.MaxValue)
        {
            return false;
        }
        long now = _time.GetTimestamp();
        if (now >= _deadline)
        {
            return true;
        }
        _timer!.Change(Until(now, _deadline), Timeout.InfiniteTimeSpan);
        return false;
    }

    private long ToTimestampTicks(TimeSpan timeout) =>
        (long)(timeout.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));

    private static void CheckTimeout(TimeSpan timeout)
    {
        if (timeout != Timeout.InfiniteTimeSpan && (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromDays(1)))
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A read timeout must be positive and at most a day, or infinite.");
        }
    }
}
