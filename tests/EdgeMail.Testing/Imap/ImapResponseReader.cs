namespace EdgeMail.Testing.Imap;

/// <summary>
/// Frames server responses on a byte stream: a response is a line ending in CRLF, and when a line ends with a
/// literal header ("{n}", "{n+}" or "~{n}", RFC 9051 §4.3, RFC 3516 §4.2) exactly n octets follow before the
/// response continues on the next line. Each framed response goes through <see cref="ImapResponseParser"/>.
/// </summary>
public sealed class ImapResponseReader(Stream stream, int maxResponseBytes = 256 * 1024 * 1024)
{
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>How long one read may wait for the server before <see cref="TimeoutException"/>.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Octets consumed from the stream so far.</summary>
    public long Offset { get; private set; }

    /// <summary>The next response, parsed; null when the stream ends cleanly between responses.</summary>
    public async Task<ImapResponse?> ReadAsync(CancellationToken cancellationToken = default)
    {
        var offset = Offset;
        var raw = await ReadRawAsync(cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            return null;
        }

        try
        {
            return ImapResponseParser.Parse(raw);
        }
        catch (ImapSyntaxException e)
        {
            throw e.AtStreamOffset(offset);
        }
    }

    /// <summary>The octets of the next response, CRLF and literals included; null at a clean end of stream.</summary>
    public async Task<byte[]?> ReadRawAsync(CancellationToken cancellationToken = default)
    {
        var response = new MemoryStream();
        var streamOffset = Offset;
        while (true)
        {
            var lf = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (lf < 0)
            {
                if (response.Length + (_end - _start) > maxResponseBytes)
                {
                    throw new InvalidDataException($"response at stream offset {streamOffset} is longer than {maxResponseBytes} octets");
                }

                if (!await FillAsync(response, cancellationToken).ConfigureAwait(false))
                {
                    if (response.Length == 0 && _end == _start)
                    {
                        return null;
                    }

                    var partial = Partial(response);
                    throw new ImapSyntaxException("the rest of the response (the connection closed inside it)", partial.Length, partial, streamOffset);
                }

                continue;
            }

            var line = _buffer.AsSpan(_start, lf + 1);
            if (lf == 0 ? response.Length == 0 || response.GetBuffer()[response.Length - 1] != '\r' : line[lf - 1] != '\r')
            {
                // RFC 9051 §2.2: lines end with CRLF; a bare LF is a framing error.
                var partial = Partial(response, line);
                throw new ImapSyntaxException("CR before LF (a bare LF does not end a line, RFC 9051 §2.2)", partial.Length - 1, partial, streamOffset);
            }

            response.Write(line);
            _start += lf + 1;
            Offset += lf + 1;
            var literal = LiteralLength(line[..^2]);
            if (literal < 0)
            {
                return response.ToArray();
            }

            if (response.Length + literal > maxResponseBytes)
            {
                throw new InvalidDataException($"literal of {literal} octets at stream offset {Offset} exceeds the limit of {maxResponseBytes}");
            }

            await ReadExactlyAsync(response, literal, streamOffset, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The n of a line ending in "{n}", "{n+}" or "~{n}"; -1 when the line ends otherwise.</summary>
    private static long LiteralLength(ReadOnlySpan<byte> line)
    {
        if (line.Length < 3 || line[^1] != '}')
        {
            return -1;
        }

        var i = line.Length - 2;
        if (line[i] == '+')
        {
            i--;
        }

        var digitsEnd = i + 1;
        while (i >= 0 && line[i] is >= (byte)'0' and <= (byte)'9')
        {
            i--;
        }

        if (i < 0 || line[i] != '{' || i + 1 == digitsEnd || digitsEnd - (i + 1) > 18)
        {
            return -1;
        }

        return long.Parse(line[(i + 1)..digitsEnd], provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ReadExactlyAsync(MemoryStream response, long count, long streamOffset, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_end == _start && !await FillAsync(response, cancellationToken).ConfigureAwait(false))
            {
                var partial = Partial(response);
                throw new ImapSyntaxException($"{count} more literal octets (the connection closed inside a literal)", partial.Length, partial, streamOffset);
            }

            var n = (int)Math.Min(count, _end - _start);
            response.Write(_buffer, _start, n);
            _start += n;
            Offset += n;
            count -= n;
        }
    }

    private async Task<bool> FillAsync(MemoryStream response, CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadTimeout);
        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var partial = Partial(response);
            throw new TimeoutException($"no data from the server within {ReadTimeout.TotalSeconds:0.#} s; response so far: "
                + ImapSyntaxException.Printable(partial, 0, Math.Min(partial.Length, 300)));
        }

        _end += n;
        return n > 0;
    }

    private byte[] Partial(MemoryStream response, ReadOnlySpan<byte> more = default)
    {
        byte[] bytes = [.. response.ToArray(), .. more.IsEmpty ? _buffer.AsSpan(_start, _end - _start) : more];
        return bytes;
    }
}
