using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EdgeMail.Auth.Scram;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>
/// Checks a plaintext password (LOGIN, PLAIN, IMAP LOGIN, POP3 USER/PASS) against an account's main secret and each
/// of its app passwords. <see cref="ScramSecret.Verify"/> compares with one stored secret; this decides the login.
/// </summary>
internal static class PasswordCheck
{
    private static readonly ScramCredential Decoy = ScramSecret.Create(Guid.NewGuid().ToString());

    // The key of the guess fingerprints: random per process, so a fingerprint in memory says nothing of the password.
    private static readonly byte[] GuessKey = RandomNumberGenerator.GetBytes(32);

    /// <summary>Looks the user up and checks the password: the final SASL step, success or failure.</summary>
    public static async ValueTask<SaslStep> CheckAsync(CredentialLookup lookup, string user, string password, CancellationToken cancellationToken)
    {
        var credentials = await lookup(user, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            // Spend the same work as a real check, so that timing does not tell which users exist.
            ScramSecret.Verify(password, Decoy);
            return SaslStep.Fail(user, guess: Fingerprint(user, password));
        }

        return Match(credentials, password, out var app)
            ? new SaslStep(SaslStepKind.Success, Account: credentials.Account, AppPassword: app, UserName: user)
            : SaslStep.Fail(user, guess: Fingerprint(user, password));
    }

    /// <summary>HMAC-SHA-256 of the user name (case-folded) and password under a per-process key, cut to 64 bits.</summary>
    internal static long Fingerprint(string user, string password)
    {
        var text = user.ToUpperInvariant() + "\0" + password;
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(GuessKey, bytes, mac);
        CryptographicOperations.ZeroMemory(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(mac);
    }

    /// <summary>True if the main password or an app password matched; <paramref name="app"/> is the app password, null for the main one.</summary>
    private static bool Match(AccountCredentials credentials, string password, out AppPasswordCredential? app)
    {
        // Every candidate is checked, so the time taken does not tell which one matched.
        var matched = ScramSecret.Verify(password, credentials.Password);
        app = null;
        foreach (var candidate in credentials.AppPasswords)
        {
            if (ScramSecret.Verify(password, candidate.Secret) && !matched)
            {
                matched = true;
                app = candidate;
            }
        }

        return matched;
    }
}
