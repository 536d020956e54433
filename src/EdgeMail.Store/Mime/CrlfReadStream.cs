namespace EdgeMail.Store.Mime;

/// <summary>
/// Reads a message with every bare LF given its CR (RFC 5322 §2.3: lines end in CRLF; RFC 9051 §2.3.1 and RFC 1939
/// §3 serve them so). A CR already there is kept, a lone CR is left alone, and a last line without a line end stays
/// as it is (Dovecot does not add one either). Used where mail enters the store and for serving bodies stored
/// before that, so old and new mail look the same on the wire. The inner stream stays the caller's to dispose.
/// </summary>
internal sealed class CrlfReadStream(Stream inner) : Stream
{
    private readonly byte[] _input = new byte[32 * 1024];
    private bool _previousCr;
    private bool _pendingLf;

    /// <summary>How many bare LFs got a CR so far.</summary>
    public long BareLineFeeds { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_pendingLf)
        {
            return EmitPending(buffer);
        }

        // Each input byte becomes at most two output bytes.
        var n = inner.Read(_input, 0, Math.Min(_input.Length, Math.Max(1, buffer.Length / 2)));
        return Convert(_input.AsSpan(0, n), buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_pendingLf)
        {
            return EmitPending(buffer.Span);
        }

        var n = await inner.ReadAsync(_input.AsMemory(0, Math.Min(_input.Length, Math.Max(1, buffer.Length / 2))), cancellationToken).ConfigureAwait(false);
        return Convert(_input.AsSpan(0, n), buffer.Span);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int EmitPending(Span<byte> buffer)
    {
        // A one-byte read ended between the CR given to a bare LF and the LF itself.
        buffer[0] = (byte)'\n';
        _pendingLf = false;
        _previousCr = false;
        return 1;
    }

    private int Convert(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        foreach (var b in input)
        {
            if (b == (byte)'\n' && !_previousCr)
            {
                BareLineFeeds++;
                output[written++] = (byte)'\r';
                if (written == output.Length)
                {
                    _pendingLf = true;
                    return written;
                }
            }

            output[written++] = b;
            _previousCr = b == (byte)'\r';
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
