using EdgeMail.Store.Mime;

namespace EdgeMail.Store.Messages;

/// <summary>
/// A stored message as IMAP serves it, with CRLF line ends (RFC 9051 §2.3.1): its RFC822.SIZE, its summary (whose
/// offsets are into the bytes <see cref="OpenBodyAsync"/> gives) and its body. For mail stored with CRLF (all mail
/// since delivery converts) this is the stored message itself and costs nothing. Mail stored before, with bare
/// LFs, is converted when the view is made: into memory or a temporary file, and summarized again from that copy,
/// so that RFC822.SIZE, BODY[], partial fetches and every section's offsets agree with one another (and with POP3,
/// which converts the same way) without two coordinate systems. Dispose the view when the message is written.
/// </summary>
public sealed class MessageView : IAsyncDisposable
{
    private readonly MailStore? _store;
    private readonly long _bodyId;
    private readonly byte[]? _converted;
    private readonly string? _convertedFile;

    internal MessageView(MailStore store, long bodyId, long size, MessageSummary summary)
    {
        _store = store;
        _bodyId = bodyId;
        Size = size;
        Summary = summary;
    }

    internal MessageView(byte[]? converted, string? convertedFile, long size, MessageSummary summary)
    {
        _converted = converted;
        _convertedFile = convertedFile;
        Size = size;
        Summary = summary;
    }

    /// <summary>RFC822.SIZE: the octets of the message with CRLF line ends.</summary>
    public long Size { get; }

    public MessageSummary Summary { get; }

    /// <summary>The message's bytes, seekable; the caller disposes the stream.</summary>
    public Task<Stream> OpenBodyAsync(CancellationToken cancellationToken = default)
    {
        if (_store is not null)
        {
            return _store.OpenBodyAsync(_bodyId, cancellationToken);
        }

        return Task.FromResult<Stream>(_converted is not null
            ? new MemoryStream(_converted, writable: false)
            : new FileStream(_convertedFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024));
    }

    public ValueTask DisposeAsync()
    {
        if (_convertedFile is not null)
        {
            try
            {
                File.Delete(_convertedFile);
            }
            catch (IOException)
            {
            }
        }

        return ValueTask.CompletedTask;
    }
}
