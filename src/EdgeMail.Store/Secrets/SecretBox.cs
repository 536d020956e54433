using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeMail.Shared.Interop;

namespace EdgeMail.Store.Secrets;

/// <summary>
/// Values the box must read back but a copy of the database must not give away (a TOTP secret; later a provider's
/// fetch password): AES-256-GCM under a key of its own file in the data folder, <see cref="KeyFileName"/> (32 random
/// bytes, mode 0600, made once and written atomically). A backup or a stolen copy of edgemail.db alone then holds no
/// usable secret. Each value gets a random 96-bit nonce (NIST SP 800-38D §8.2.2: random nonces are fine far below
/// 2^32 values per key), and the account id and a purpose as associated data, so that a sealed value copied to
/// another account's row or another column does not open.
/// Sealed form: version (1 byte, 1) ‖ nonce (12) ‖ tag (16) ‖ ciphertext.
/// </summary>
internal sealed class SecretBox : IDisposable
{
    public const string KeyFileName = "secret.key";

    private const byte Version = 1;
    private const int KeyBytes = 32;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private const int Overhead = 1 + NonceBytes + TagBytes;

    private readonly AesGcm _aes;

    private SecretBox(byte[] key)
    {
        _aes = new AesGcm(key, TagBytes);
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>The box of a data folder: its key file is read, or made when there is none.</summary>
    public static SecretBox OpenOrCreate(string dataPath)
    {
        var path = Path.Combine(dataPath, KeyFileName);
        return new SecretBox(File.Exists(path) ? ReadKey(path) : CreateKey(dataPath, path));
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, long accountId, string purpose)
    {
        var sealedValue = new byte[Overhead + plaintext.Length];
        sealedValue[0] = Version;
        var nonce = sealedValue.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        _aes.Encrypt(nonce, plaintext, sealedValue.AsSpan(Overhead), sealedValue.AsSpan(1 + NonceBytes, TagBytes), AssociatedData(accountId, purpose));
        return sealedValue;
    }

    /// <summary>The value sealed for this account and purpose; a <see cref="StoreException"/> if it does not open.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedValue, long accountId, string purpose)
    {
        if (sealedValue.Length < Overhead || sealedValue[0] != Version)
        {
            throw new StoreException(StoreError.Conflict, "a sealed secret in the database is damaged");
        }

        var plaintext = new byte[sealedValue.Length - Overhead];
        try
        {
            _aes.Decrypt(sealedValue.Slice(1, NonceBytes), sealedValue[Overhead..], sealedValue.Slice(1 + NonceBytes, TagBytes), plaintext, AssociatedData(accountId, purpose));
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new StoreException(StoreError.Conflict, $"a sealed secret does not open with the key in {KeyFileName} (was the key file replaced?)", ex);
        }

        return plaintext;
    }

    public void Dispose() => _aes.Dispose();

    private static byte[] AssociatedData(long accountId, string purpose)
    {
        var data = new byte[8 + Encoding.UTF8.GetByteCount(purpose)];
        BinaryPrimitives.WriteInt64BigEndian(data, accountId);
        Encoding.UTF8.GetBytes(purpose, data.AsSpan(8));
        return data;
    }

    private static byte[] ReadKey(string path)
    {
        var key = File.ReadAllBytes(path);
        return key.Length == KeyBytes ? key : throw new StoreException(StoreError.Conflict, $"the key file {path} is damaged ({key.Length} bytes, not {KeyBytes})");
    }

    /// <summary>
    /// A new key, written as the store writes a body: to a temporary file created with mode 0600 (never readable by
    /// others, not even for an instant), fsynced, linked into place, then the folder fsynced. If another process (the
    /// CLI beside the service) made the key first, its key is the one used.
    /// </summary>
    private static byte[] CreateKey(string dataPath, string path)
    {
        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(key);
                stream.Flush(flushToDisk: true);
            }

            // Not overwriting: File.Move fails when the name exists, so two processes racing keep the first key.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            CryptographicOperations.ZeroMemory(key);
            return ReadKey(path);
        }
        finally
        {
            File.Delete(temp);
        }

        DirectoryFsync.Flush(dataPath);
        return key;
    }
}
