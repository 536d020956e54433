using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Bodies;

/// <summary>
/// A read-only, seekable view of one stored body: a byte range of a file read with positional reads
/// (RandomAccess), so partial fetches start at any offset without reading what comes before.
/// </summary>
internal sealed class BodyStream : Stream
{
    private readonly SafeFileHandle _handle;
    private readonly long _start;
    private readonly long _length;
    private readonly Action? _onDispose;
    private readonly bool _ownsHandle;
    private int _disposed;
    private long _position;

    /// <param name="ownsHandle">False for a shared segment handle, which the stream must not close.</param>
    public BodyStream(SafeFileHandle handle, long start, long length, Action? onDispose, bool ownsHandle = true)
    {
        _handle = handle;
        _ownsHandle = ownsHandle;
        _start = start;
        _length = length;
        _onDispose = onDispose;
    }

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value is >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var remaining = _length - _position;
        if (remaining <= 0)
        {
            return 0;
        }

        if (buffer.Length > remaining)
        {
            buffer = buffer[..(int)remaining];
        }

        var read = RandomAccess.Read(_handle, buffer, _start + _position);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = _length - _position;
        if (remaining <= 0)
        {
            return 0;
        }

        if (buffer.Length > remaining)
        {
            buffer = buffer[..(int)remaining];
        }

        var read = await RandomAccess.ReadAsync(_handle, buffer, _start + _position, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => _length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // Idempotent: the open-bodies count must drop once, however often the stream is disposed.
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            if (_ownsHandle)
            {
                _handle.Dispose();
            }

            _onDispose?.Invoke();
        }

        base.Dispose(disposing);
    }
}
