namespace EdgeMail.Smtp.Inbound;

/// <summary>
/// A message being received, in a file rather than in memory (DATA is dot-unstuffed into it, BDAT chunks copied),
/// with a running count against the size limit. The file is unlinked when the spool is disposed, so a client that
/// disconnects mid-DATA leaves nothing behind; files a crash left are removed when the server starts.
/// </summary>
internal sealed class MessageSpool : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly long _maxBytes;
    private long _messageBytes;

    public MessageSpool(string folder, long maxBytes)
    {
        _maxBytes = maxBytes;
        _file = new FileStream(
            Path.Combine(folder, Guid.NewGuid().ToString("N") + ".spool"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            64 * 1024,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
    }

    /// <summary>Bytes of the message itself, without the trace header written first.</summary>
    public long MessageBytes => _messageBytes;

    /// <summary>The message went past the limit; nothing more is written, and the transaction ends with 552.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>The stream BDAT chunks are copied into (the size is checked before each chunk).</summary>
    public Stream Stream => _file;

    /// <summary>Removes any spool files a crash left (called once at start).</summary>
    public static void CleanFolder(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(folder, "*.spool"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
        }
    }

    public ValueTask WriteHeaderAsync(ReadOnlyMemory<byte> header, CancellationToken cancellationToken) =>
        _file.WriteAsync(header, cancellationToken);

    /// <summary>Whether <paramref name="count"/> more bytes still fit; marks the spool too large if not.</summary>
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

    /// <summary>Appends message bytes unless the limit was passed.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (Reserve(data.Length))
        {
            await _file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The whole spooled message from its first byte, for the store to read.</summary>
    public async Task<Stream> RewindAsync(CancellationToken cancellationToken)
    {
        await _file.FlushAsync(cancellationToken).ConfigureAwait(false);
        _file.Position = 0;
        return _file;
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
