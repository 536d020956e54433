using System.Security.Cryptography;
using System.Text;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Scram;

/// <summary>
/// SCRAM-SHA-256 secrets (RFC 5802 §3, RFC 7677): SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, i),
/// ClientKey = HMAC(SaltedPassword, "Client Key"), StoredKey = H(ClientKey),
/// ServerKey = HMAC(SaltedPassword, "Server Key"). One stored form checks PLAIN/LOGIN and serves SCRAM.
/// </summary>
public static class ScramSecret
{
    /// <summary>
    /// PBKDF2 iterations for new secrets. RFC 7677 §4 asks for at least 4096; 4096 keeps a login on a
    /// Pi 4 near 10 ms while an offline guess stays costly (Dovecot's scram default is also 4096).
    /// </summary>
    public const int DefaultIterations = 4096;

    public const int SaltBytes = 16;

    public static ScramCredential Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return Derive(password, salt, iterations);
    }

    public static ScramCredential Derive(string password, byte[] salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salted = SaltedPassword(password, salt, iterations);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        CryptographicOperations.ZeroMemory(salted);
        CryptographicOperations.ZeroMemory(clientKey);
        return new ScramCredential(salt, iterations, storedKey, serverKey);
    }

    /// <summary>
    /// A new password for an account under its current salt and iteration count. A password change keeps both, so that
    /// the account's app passwords, derived under the same salt, still match in SCRAM-SHA-256: its server sends one
    /// salt per account (the account's) before it knows which password the client holds. The cost: one guess at an
    /// offline copy of the store tests the main password and the app passwords of an account together; app passwords
    /// are 100 random bits, so that buys nothing against them.
    /// </summary>
    public static ScramCredential Rederive(string password, ScramCredential current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return Derive(password, current.Salt, current.Iterations);
    }

    /// <summary>Checks a plaintext password (PLAIN, LOGIN) against a stored secret in constant time.</summary>
    public static bool Verify(string password, ScramCredential secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var candidate = Derive(password, secret.Salt, secret.Iterations);
        return CryptographicOperations.FixedTimeEquals(candidate.StoredKey, secret.StoredKey);
    }

    internal static byte[] SaltedPassword(string password, byte[] salt, int iterations)
    {
        // RFC 5802 §2.2 Hi() is PBKDF2 with HMAC as the PRF; RFC 7677 uses SHA-256. SASLprep (RFC 4013)
        // is not applied yet: the password's UTF-8 bytes are used as given, which is exact for ASCII.
        var bytes = Encoding.UTF8.GetBytes(password);
        try
        {
            return Rfc2898DeriveBytes.Pbkdf2(bytes, salt, iterations, HashAlgorithmName.SHA256, 32);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
