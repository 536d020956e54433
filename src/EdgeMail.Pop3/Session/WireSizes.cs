using System.Buffers;
using System.Collections.Concurrent;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Store;
using EdgeMail.Store.Messages;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// The octet count RETR sends for a stored body (RFC 1939 §5: CRLF line ends, before byte-stuffing). The store
/// keeps bodies as received, so a body with bare LFs is longer on the wire than on disk; each message is measured
/// once by reading it, and kept for every later session of this process. The key is mailbox, UIDVALIDITY and UID,
/// which name one message for good (RFC 9051 §2.3.1.1); a body id would not do, since SQLite may hand the id of a
/// deleted body to a new one.
/// </summary>
internal sealed class WireSizes
{
    // 200,000 entries are about 10 MB with the dictionary's overhead; past that the cache starts over rather
    // than grow without end on a Raspberry Pi.
    private const int MaxEntries = 200_000;
    private const int ReadBufferBytes = 16 * 1024;

    private readonly ConcurrentDictionary<(long MailboxId, uint UidValidity, uint Uid), long> _sizes = new();

    /// <summary>The size, or null when the body is gone (expunged since the listing).</summary>
    public async ValueTask<long?> GetAsync(MailStore store, uint uidValidity, MessageRecord message, CancellationToken cancellationToken)
    {
        var key = (message.MailboxId, uidValidity, message.Uid);
        if (_sizes.TryGetValue(key, out var known))
        {
            return known;
        }

        Stream body;
        try
        {
            body = await store.OpenBodyAsync(message.BodyId, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.NotFound)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
        try
        {
            await using (body.ConfigureAwait(false))
            {
                var encoder = new WireEncoder(dotStuff: false);
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    encoder.Write(buffer.AsSpan(0, read), null);
                }

                encoder.Complete(null);
                if (_sizes.Count >= MaxEntries)
                {
                    _sizes.Clear();
                }

                _sizes[key] = encoder.Length;
                return encoder.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
