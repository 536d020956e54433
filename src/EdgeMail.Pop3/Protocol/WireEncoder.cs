using System.Buffers;

namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// Turns stored message bytes into what RETR and TOP send (RFC 1939 §3, §7): every line ends in CRLF (a bare LF,
/// as some senders store it, gets its CR), a last line without an end gets one, lines that start with "." get
/// another one in front (byte-stuffing), and TOP stops after the header, the blank line and n body lines.
/// Without an output it only counts, which is how LIST and STAT get sizes equal to what RETR sends before
/// byte-stuffing (RFC 1939 §5 counts the message with CRLF line ends).
/// </summary>
internal struct WireEncoder
{
    private readonly bool _dotStuff;
    private readonly long _bodyLines;
    private bool _atLineStart;
    private bool _previousCr;
    private int _lineBytes;
    private bool _inHeader;
    private long _bodyLinesSent;

    /// <param name="dotStuff">Add the stuffing dots (for the wire); false to count the message as RFC 1939 §5 does.</param>
    /// <param name="bodyLines">TOP's n, or -1 for the whole message.</param>
    public WireEncoder(bool dotStuff, long bodyLines = -1)
    {
        _dotStuff = dotStuff;
        _bodyLines = bodyLines;
        _atLineStart = true;
        _inHeader = true;
    }

    /// <summary>Bytes produced so far, stuffing included.</summary>
    public long Length { get; private set; }

    /// <summary>TOP has sent all it should; further input is ignored.</summary>
    public bool Done { get; private set; }

    /// <summary>Encodes a chunk of the stored message into <paramref name="output"/> (null to count only).</summary>
    public void Write(ReadOnlySpan<byte> input, IBufferWriter<byte>? output)
    {
        if (_bodyLines < 0)
        {
            WriteWhole(input, output);
            return;
        }

        while (!input.IsEmpty && !Done)
        {
            if (_atLineStart && _dotStuff && input[0] == (byte)'.')
            {
                Emit("."u8, output);
            }

            var lf = input.IndexOf((byte)'\n');
            var run = lf < 0 ? input : input[..lf];
            if (!run.IsEmpty)
            {
                Emit(run, output);
                _lineBytes += run.Length;
                _previousCr = run[^1] == (byte)'\r';
                _atLineStart = false;
            }

            if (lf < 0)
            {
                return;
            }

            EndLine(output);
            input = input[(lf + 1)..];
        }
    }

    /// <summary>
    /// RETR (no line counting): runs of CRLF lines that need no stuffing go out in one write; only a bare LF (which
    /// gains a CR) or a line starting with "." (which gains a dot) splits the run. Same output as line by line.
    /// </summary>
    private void WriteWhole(ReadOnlySpan<byte> input, IBufferWriter<byte>? output)
    {
        while (!input.IsEmpty)
        {
            if (_atLineStart && _dotStuff && input[0] == (byte)'.')
            {
                Emit("."u8, output);
            }

            // The end (exclusive) of what this pass writes: through an LF that needs care, or the end of the input.
            var position = 0;
            int end;
            while (true)
            {
                var lf = input[position..].IndexOf((byte)'\n');
                if (lf < 0)
                {
                    Emit(input, output);
                    _previousCr = input[^1] == (byte)'\r';
                    _atLineStart = false;
                    return;
                }

                lf += position;
                var hasCr = lf > 0 ? input[lf - 1] == (byte)'\r' : _previousCr;
                if (!hasCr)
                {
                    // A bare LF gets its CR (RFC 5322 §2.3).
                    Emit(input[..lf], output);
                    Emit("\r\n"u8, output);
                    end = lf + 1;
                    break;
                }

                if (lf + 1 == input.Length || (_dotStuff && input[lf + 1] == (byte)'.'))
                {
                    Emit(input[..(lf + 1)], output);
                    end = lf + 1;
                    break;
                }

                position = lf + 1;
            }

            input = input[end..];
            _atLineStart = true;
            _previousCr = false;
        }
    }

    /// <summary>Ends a last line that has no line end (RFC 1939 §3: a multi-line response is CRLF-terminated lines).</summary>
    public void Complete(IBufferWriter<byte>? output)
    {
        if (!_atLineStart && !Done)
        {
            if (!_previousCr)
            {
                Emit("\r"u8, output);
            }

            Emit("\n"u8, output);
            _atLineStart = true;
        }
    }

    private void EndLine(IBufferWriter<byte>? output)
    {
        // A bare LF gets its CR (RFC 5322 §2.3: lines end in CRLF).
        if (!_previousCr)
        {
            Emit("\r"u8, output);
        }

        Emit("\n"u8, output);
        var empty = _lineBytes == 0 || (_lineBytes == 1 && _previousCr);
        _atLineStart = true;
        _previousCr = false;
        _lineBytes = 0;

        if (_inHeader)
        {
            // RFC 5322 §2.1: the first empty line ends the header; TOP sends it, then n body lines.
            if (empty)
            {
                _inHeader = false;
                Done = _bodyLines == 0;
            }
        }
        else if (_bodyLines >= 0 && ++_bodyLinesSent >= _bodyLines)
        {
            Done = true;
        }
    }

    private void Emit(ReadOnlySpan<byte> bytes, IBufferWriter<byte>? output)
    {
        Length += bytes.Length;
        output?.Write(bytes);
    }
}
