using System.Buffers.Binary;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using EdgeMail.Store;
using Konscious.Security.Cryptography;

namespace EdgeMail.Backup;

/// <summary>
/// The encrypted backup (`edgemail backup FILE --encrypt`): a backup folder as one file, a tar stream (POSIX pax)
/// sealed in 64 KiB chunks with AES-256-GCM under a key derived from the passphrase by Argon2id (RFC 9106; 64 MiB,
/// 3 passes, 2 lanes: about a second on a Pi 4, and as costly per guess for an attacker).
/// <code>
/// header:  "EDGEMAIL-BACKUP1" (16) | m KiB (4) | t (4) | p (4) | salt (16) | nonce prefix (8)
/// chunk:   length of the ciphertext (4) | ciphertext | GCM tag (16)
/// </code>
/// Chunk i's nonce is the prefix with i (4 bytes, big endian); its associated data is the header and one byte,
/// 1 on the last chunk, 0 before it: a reordered, dropped, cut or altered chunk fails to open, and so does a
/// wrong passphrase, before anything is written to the data folder.
/// </summary>
internal static class BackupArchive
{
    private const int ChunkBytes = 64 * 1024;
    private const int TagBytes = 16;
    private static readonly byte[] Magic = "EDGEMAIL-BACKUP1"u8.ToArray();

    /// <summary>Argon2id cost: memory in KiB, passes, lanes.</summary>
    internal static (int MemoryKiB, int Iterations, int Parallelism) Cost { get; set; } = (64 * 1024, 3, 2);

    /// <summary>Seals the backup folder <paramref name="folder"/> into <paramref name="archive"/> (written under a temporary name, then renamed).</summary>
    public static void Seal(string folder, string archive, string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var prefix = RandomNumberGenerator.GetBytes(8);
        var header = Header(Cost, salt, prefix);
        var key = DeriveKey(passphrase, salt, Cost);
        var temp = archive + ".partial";
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(header);
                using (var sealer = new SealingStream(file, new AesGcm(key, TagBytes), header, prefix))
                {
                    TarFile.CreateFromDirectory(folder, sealer, includeBaseDirectory: false);
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temp, archive, overwrite: true);
            EdgeMail.Shared.Interop.DirectoryFsync.Flush(Path.GetDirectoryName(Path.GetFullPath(archive))!);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            File.Delete(temp);
        }
    }

    /// <summary>Opens <paramref name="archive"/> into the empty folder <paramref name="folder"/>; a wrong passphrase or a damaged file fails here.</summary>
    public static void Open(string archive, string folder, string passphrase)
    {
        using var file = File.OpenRead(archive);
        var header = new byte[Magic.Length + 12 + 16 + 8];
        file.ReadExactly(header);
        if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new StoreException(StoreError.NotFound, $"{archive} is not an encrypted EdgeMail backup");
        }

        var cost = (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(24)));
        if (cost.Item1 is < 8 or > 4 * 1024 * 1024 || cost.Item2 is < 1 or > 100 || cost.Item3 is < 1 or > 64)
        {
            throw new StoreException(StoreError.NotFound, $"{archive} has an implausible key cost: damaged");
        }

        var key = DeriveKey(passphrase, header.AsSpan(28, 16).ToArray(), cost);
        try
        {
            // Every chunk is checked before the tar stream reads it; the whole file is checked before the restore
            // uses the folder (the caller extracts into a staging folder).
            using var opener = new OpeningStream(file, new AesGcm(key, TagBytes), header, header.AsSpan(44, 8).ToArray());
            Directory.CreateDirectory(folder);
            TarFile.ExtractToDirectory(opener, folder, overwriteFiles: false);
            opener.RequireEnd();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] Header((int MemoryKiB, int Iterations, int Parallelism) cost, byte[] salt, byte[] prefix)
    {
        var header = new byte[Magic.Length + 12 + salt.Length + prefix.Length];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(16), cost.MemoryKiB);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(20), cost.Iterations);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(24), cost.Parallelism);
        salt.CopyTo(header, 28);
        prefix.CopyTo(header, 44);
        return header;
    }

    private static byte[] DeriveKey(string passphrase, byte[] salt, (int MemoryKiB, int Iterations, int Parallelism) cost)
    {
        var secret = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            using var argon = new Argon2id(secret) { Salt = salt, MemorySize = cost.MemoryKiB, Iterations = cost.Iterations, DegreeOfParallelism = cost.Parallelism };
            return argon.GetBytes(32);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static byte[] Nonce(byte[] prefix, uint index)
    {
        var nonce = new byte[12];
        prefix.CopyTo(nonce, 0);
        BinaryPrimitives.WriteUInt32BigEndian(nonce.AsSpan(8), index);
        return nonce;
    }

    private static byte[] Aad(byte[] header, bool last)
    {
        var aad = new byte[header.Length + 1];
        header.CopyTo(aad, 0);
        aad[^1] = last ? (byte)1 : (byte)0;
        return aad;
    }

    /// <summary>Write side: buffers a chunk, seals it when full; the last (possibly short or empty) chunk on dispose.</summary>
    private sealed class SealingStream(Stream inner, AesGcm aes, byte[] header, byte[] prefix) : Stream
    {
        private readonly byte[] _plain = new byte[ChunkBytes];
        private int _filled;
        private uint _index;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                if (_filled == ChunkBytes)
                {
                    SealChunk(last: false);
                }

                var take = Math.Min(buffer.Length, ChunkBytes - _filled);
                buffer[..take].CopyTo(_plain.AsSpan(_filled));
                _filled += take;
                buffer = buffer[take..];
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                SealChunk(last: true);
                aes.Dispose();
            }

            base.Dispose(disposing);
        }

        private void SealChunk(bool last)
        {
            var cipher = new byte[_filled];
            var tag = new byte[TagBytes];
            aes.Encrypt(Nonce(prefix, _index++), _plain.AsSpan(0, _filled), cipher, tag, Aad(header, last));
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, _filled);
            inner.Write(length);
            inner.Write(cipher);
            inner.Write(tag);
            _filled = 0;
        }
    }

    /// <summary>Read side: opens one chunk at a time; a chunk that does not open ends the restore.</summary>
    private sealed class OpeningStream(Stream inner, AesGcm aes, byte[] header, byte[] prefix) : Stream
    {
        private byte[] _plain = [];
        private int _position;
        private uint _index;
        private bool _sawLast;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            while (_position == _plain.Length)
            {
                if (_sawLast || !OpenChunk())
                {
                    return 0;
                }
            }

            var take = Math.Min(buffer.Length, _plain.Length - _position);
            _plain.AsSpan(_position, take).CopyTo(buffer);
            _position += take;
            return take;
        }

        /// <summary>After the tar stream ended: the file must end with its last chunk (nothing cut, nothing appended).</summary>
        public void RequireEnd()
        {
            while (!_sawLast && OpenChunk())
            {
            }

            if (!_sawLast || inner.ReadByte() != -1)
            {
                throw Damaged();
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                aes.Dispose();
            }

            base.Dispose(disposing);
        }

        private bool OpenChunk()
        {
            Span<byte> length = stackalloc byte[4];
            var got = inner.ReadAtLeast(length, 4, throwOnEndOfStream: false);
            if (got == 0)
            {
                throw Damaged();
            }

            var size = got == 4 ? BinaryPrimitives.ReadInt32BigEndian(length) : -1;
            if (size is < 0 or > ChunkBytes)
            {
                throw Damaged();
            }

            var cipher = new byte[size];
            var tag = new byte[TagBytes];
            if (inner.ReadAtLeast(cipher, size, throwOnEndOfStream: false) != size || inner.ReadAtLeast(tag, TagBytes, throwOnEndOfStream: false) != TagBytes)
            {
                throw Damaged();
            }

            var plain = new byte[size];
            var nonce = Nonce(prefix, _index++);
            try
            {
                aes.Decrypt(nonce, cipher, tag, plain, Aad(header, last: false));
            }
            catch (AuthenticationTagMismatchException)
            {
                try
                {
                    aes.Decrypt(nonce, cipher, tag, plain, Aad(header, last: true));
                    _sawLast = true;
                }
                catch (AuthenticationTagMismatchException)
                {
                    throw _index == 1
                        ? new StoreException(StoreError.NotAllowed, "the passphrase is wrong, or the backup is damaged")
                        : Damaged();
                }
            }

            _plain = plain;
            _position = 0;
            return true;
        }

        private static StoreException Damaged() => new(StoreError.NotFound, "the encrypted backup is damaged or cut short");
    }
}
