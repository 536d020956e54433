using System.Security.Cryptography;
using System.Buffers;
using EdgeMail.Store.Bodies;
using EdgeMail.Store.Data;
using EdgeMail.Store.Mime;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Messages;

/// <summary>
/// A message on its way into the store, written once as it arrives (SMTP DATA and BDAT, an IMAP APPEND literal, a
/// delivery report) and adopted by <see cref="MailStore.AppendAsync"/> or <see cref="MailStore.DeliverAsync"/>
/// without a copy: up to <see cref="StoreOptions.InlineBodyMaxBytes"/> it stays in a pooled buffer that the writer
/// loop appends to the shared segment; beyond that it goes to a file in the store's temporary folder, on the same
/// file system, which is fsynced by the delivering task and then renamed into place. A bare LF gets its CR as it is
/// written (RFC 5322 §2.3), and the CRLF length is counted in the same pass, so that only the MIME summary reads
/// the bytes once more. Bytes past the size limit are dropped and <see cref="TooLarge"/> is set, so that a
/// protocol can read a message to its end and refuse it once. Disposing it unadopted removes what it wrote; a
/// crash leaves a temporary file that the next start removes.
/// </summary>
public sealed class MessageStaging : Stream
{
    private const int FirstBufferBytes = 16 * 1024;
    private readonly string _tempFolder;
    private readonly int _inlineMax;
    private readonly long _maxBytes;
    private readonly bool _convertLineEnds;
    private LineEnds _lineEnds = new();
    private byte[]? _buffer;
    private int _buffered;
    private SafeFileHandle? _file;
    private string? _path;
    private long _fileLength;
    private bool _previousCr;
    private bool _finished;

    // The SHA-256 of the bytes as stored (line ends converted), kept with the body for `edgemail check` and backups.
    private IncrementalHash? _hash;

    internal MessageStaging(string tempFolder, int inlineMax, long maxBytes, bool convertLineEnds)
    {
        _tempFolder = tempFolder;
        _inlineMax = inlineMax;
        _maxBytes = maxBytes;
        _convertLineEnds = convertLineEnds;
    }

    /// <summary>The bytes written so far, bare LFs counted with their CR.</summary>
    public long Written => _fileLength + _buffered;

    /// <summary>More than the limit was written: nothing more is kept, and adopting it fails with <see cref="StoreError.TooLarge"/>.</summary>
    public bool TooLarge { get; private set; }

    /// <summary>
    /// The disk filled up while the message was written: nothing more is kept, and adopting it fails with
    /// <see cref="StoreError.StorageFull"/>, so that a protocol reads the message to its end and answers once
    /// (452 4.3.1, NO [OVERQUOTA]) instead of losing the connection.
    /// </summary>
    public bool StorageFull { get; private set; }

    /// <summary>The size of the message with every line ended by CRLF (RFC 1939 §5's octet count), once complete.</summary>
    private long CrlfLength
    {
        get
        {
            if (!_convertLineEnds)
            {
                return _lineEnds.Complete();
            }

            // Every LF already has its CR: only a last line without an end gains one (see LineEnds).
            var last = LastByte();
            return Written + (last is null or (byte)'\n' ? 0 : last == (byte)'\r' ? 1 : 2);
        }
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty && Accepting())
        {
            if (!HasRoom())
            {
                try
                {
                    Spill();
                }
                catch (IOException ex) when (DiskErrors.IsFull(ex))
                {
                    MarkFull();
                    return;
                }
            }

            buffer = buffer[Take(buffer)..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty && Accepting())
        {
            if (!HasRoom())
            {
                try
                {
                    await SpillAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException ex) when (DiskErrors.IsFull(ex))
                {
                    MarkFull();
                    return;
                }
            }

            buffer = buffer[Take(buffer.Span)..];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>
    /// Ends the writing: an inline body hands its buffer over, a file is written out and fsynced (in the caller's
    /// task, in parallel with other deliveries) and summarized with one sequential read.
    /// </summary>
    internal async Task<PreparedBody> CompleteAsync(Func<Stream, MessageSummary> summarize, System.Text.Json.Serialization.Metadata.JsonTypeInfo<MessageSummary> json, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (TooLarge)
        {
            throw new StoreException(StoreError.TooLarge, $"the message is larger than {_maxBytes} bytes");
        }

        if (StorageFull)
        {
            throw new StoreException(StoreError.StorageFull, "the disk is full");
        }

        _buffer ??= ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        var crlfLength = CrlfLength;
        MessageSummary summary;
        if (_file is null)
        {
            using (var memory = new MemoryStream(_buffer, 0, _buffered, writable: false))
            {
                summary = summarize(memory);
            }

            _finished = true;
            var inline = new PreparedBody(_buffer, _buffered, null, Serialize(summary, crlfLength), SHA256.HashData(_buffer.AsSpan(0, _buffered)));
            _buffer = null;
            return inline;
        }

        try
        {
            await SpillAsync(cancellationToken).ConfigureAwait(false);
            RandomAccess.FlushToDisk(_file);
        }
        catch (IOException ex) when (DiskErrors.IsFull(ex))
        {
            MarkFull();
            throw new StoreException(StoreError.StorageFull, "the disk is full", ex);
        }

        _file.Dispose();
        _file = null;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        await using (var read = new FileStream(_path!, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan))
        {
            summary = summarize(read);
        }

        // From here the file is the write's: moved into place by the writer loop, or removed at the next start.
        _finished = true;
        var staged = new StagedBody(_path!, _fileLength);
        _path = null;
        var sha256 = Hash().GetHashAndReset();
        return new PreparedBody(null, 0, staged, Serialize(summary, crlfLength), sha256);

        byte[] Serialize(MessageSummary s, long crlf) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            s with { CrlfLength = crlf, StoredCrlf = _convertLineEnds }, json);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Discard();
            _hash?.Dispose();
            _hash = null;
            _finished = true;
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private bool Accepting()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        return !TooLarge && !StorageFull;
    }

    private void MarkFull()
    {
        StorageFull = true;
        Discard();
    }

    /// <summary>
    /// Copies as much of <paramref name="data"/> as fits into the buffer, giving each bare LF its CR; returns how
    /// many input bytes it took. Past the limit it drops what it holds and takes everything.
    /// </summary>
    private int Take(ReadOnlySpan<byte> data)
    {
        var buffer = _buffer!;
        var room = Capacity() - _buffered;
        var taken = 0;
        while (taken < data.Length && room > 0)
        {
            var rest = data[taken..];
            var lf = _convertLineEnds ? rest.IndexOf((byte)'\n') : -1;
            var run = lf < 0 ? rest.Length : lf;
            var copy = Math.Min(run, room);
            if (copy > 0)
            {
                rest[..copy].CopyTo(buffer.AsSpan(_buffered));
                _buffered += copy;
                room -= copy;
                taken += copy;
                _previousCr = rest[copy - 1] == (byte)'\r';
                if (copy < run)
                {
                    break;
                }
            }

            if (lf < 0)
            {
                break;
            }

            // At the LF: a CR before it stays one line end; otherwise the LF gets one (RFC 5322 §2.3).
            var needed = _previousCr ? 1 : 2;
            if (room < needed)
            {
                break;
            }

            if (!_previousCr)
            {
                buffer[_buffered++] = (byte)'\r';
            }

            buffer[_buffered++] = (byte)'\n';
            room -= needed;
            taken++;
            _previousCr = false;
        }

        if (!_convertLineEnds)
        {
            _lineEnds.Add(data[..taken]);
        }

        if (Written > _maxBytes)
        {
            TooLarge = true;
            Discard();
            return data.Length;
        }

        return taken;
    }

    /// <summary>
    /// Inline, the buffer holds up to InlineBodyMaxBytes (one more byte says it is not inline); once in a file, it is
    /// the file's write buffer.
    /// </summary>
    private int Capacity() => _file is null ? Math.Min(_buffer!.Length, _inlineMax + 1) : _buffer!.Length;

    /// <summary>
    /// Whether the buffer can take two more bytes (a CRLF), growing an inline buffer first; false means spill to
    /// the file. Called only with more bytes to write, so an inline buffer at InlineBodyMaxBytes goes to a file.
    /// </summary>
    private bool HasRoom()
    {
        if (_buffer is null)
        {
            _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(FirstBufferBytes, _inlineMax + 1));
        }

        if (Capacity() - _buffered >= 2)
        {
            return true;
        }

        if (_file is not null || _buffered + 2 > _inlineMax + 1)
        {
            return false;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _inlineMax + 1));
        _buffer.AsSpan(0, _buffered).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        return Capacity() - _buffered >= 2;
    }

    private void OpenFile()
    {
        Directory.CreateDirectory(_tempFolder);
        _path = Path.Combine(_tempFolder, Guid.NewGuid().ToString("N") + ".tmp");
        _file = File.OpenHandle(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous);
    }

    private void Spill()
    {
        if (_file is null)
        {
            OpenFile();
        }

        Hash().AppendData(_buffer.AsSpan(0, _buffered));
        RandomAccess.Write(_file!, _buffer.AsSpan(0, _buffered), _fileLength);
        _fileLength += _buffered;
        _buffered = 0;
    }

    private async ValueTask SpillAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            OpenFile();
        }

        Hash().AppendData(_buffer.AsSpan(0, _buffered));
        await RandomAccess.WriteAsync(_file!, _buffer.AsMemory(0, _buffered), _fileLength, cancellationToken).ConfigureAwait(false);
        _fileLength += _buffered;
        _buffered = 0;
    }

    private IncrementalHash Hash() => _hash ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    private byte? LastByte()
    {
        if (_buffered > 0)
        {
            return _buffer![_buffered - 1];
        }

        if (_fileLength == 0)
        {
            return null;
        }

        Span<byte> last = stackalloc byte[1];
        RandomAccess.Read(_file!, last, _fileLength - 1);
        return last[0];
    }

    /// <summary>Gives the buffer back and removes the file; what was written is gone (kept lengths stay for the reply).</summary>
    private void Discard()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
        }

        _file?.Dispose();
        _file = null;
        if (_path is not null)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // The next start removes it with the rest of the temporary folder.
            }

            _path = null;
        }
    }
}
