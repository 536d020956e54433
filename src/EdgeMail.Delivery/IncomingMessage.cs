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
    private long _messageBytes;

    internal IncomingMessage(MessageStaging staging, long maxBytes)
    {
        _staging = staging;
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes of the message itself, without the trace header written first.</summary>
    public long MessageBytes => _messageBytes;

    /// <summary>The message went past the limit: nothing more is kept, and delivery refuses it.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>The stream a protocol copies counted bytes into (after <see cref="Reserve"/>): a BDAT chunk.</summary>
    public Stream Stream => _staging;

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
            await _staging.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _staging.DisposeAsync();
}
