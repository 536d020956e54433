using EdgeMail.Delivery.Trace;
using EdgeMail.Store.Messages;

namespace EdgeMail.Delivery;

/// <summary>
/// A message being received for delivery: its trace header first, then the message itself, written once into the
/// store's staging stream, with a running count against the size limit. The limit counts the message as the client
/// sent it, without the trace header (RFC 1870 §6). Disposing it undelivered leaves nothing behind.
/// </summary>
public sealed class IncomingMessage : IAsyncDisposable
{
    private readonly MessageStaging _staging;
    private readonly long _maxBytes;
    private readonly CountedStream _stream;
    private long _messageBytes;
    private ReceivedCounter _received;

    internal IncomingMessage(MessageStaging staging, long maxBytes)
    {
        _staging = staging;
        _maxBytes = maxBytes;
        _stream = new CountedStream(this);
    }

    /// <summary>Received fields in the message's own header (the trace line written here not counted).</summary>
    public int ReceivedHeaders => _received.Count;

    /// <summary>Bytes of the message itself, without the trace header written first.</summary>
    public long MessageBytes => _messageBytes;

    /// <summary>The message went past the limit: nothing more is kept, and delivery refuses it.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>The stream a protocol copies counted bytes into (after <see cref="Reserve"/>): a BDAT chunk.</summary>
    public Stream Stream => _stream;

    internal MessageStaging Staging => _staging;

    /// <summary>Whether <paramref name="count"/> more bytes still fit; marks the message too large if not.</summary>
    public bool Reserve(long count)
    {
        if (TooLarge || _messageBytes + count > _maxBytes)
        {
            TooLarge = true;
            return false;
        }

        _messageBytes += count;
        return true;
    }

    internal ValueTask WriteTraceAsync(ReadOnlyMemory<byte> header, CancellationToken cancellationToken) =>
        _staging.WriteAsync(header, cancellationToken);

    /// <summary>Appends message bytes unless the limit was passed.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Reserve(data.Length))
        {
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The message's bytes on their way to the staging stream, counted for the loop check as they pass.</summary>
    private sealed class CountedStream(IncomingMessage owner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => owner._staging.Written;

        public override long Position
        {
            get => Length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            owner._received.Add(buffer);
            owner._staging.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            owner._received.Add(buffer.Span);
            return owner._staging.WriteAsync(buffer, cancellationToken);
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    public ValueTask DisposeAsync() => _staging.DisposeAsync();
}
