using System.Security.Cryptography;
using System.Text;

namespace EdgeMail.Auth.TwoFactor;

/// <summary>
/// One-time codes for a lost phone: <see cref="Count"/> codes of 12 characters of the lower-case base32 alphabet (60
/// random bits, above the 50 asked for), in three groups of four, as "k7q2-mxa4-p3zt" (no 0/1/8/9, as app passwords).
/// Shown once, stored as SHA-256 hashes: a random 60-bit code needs no slow hash, since nobody can guess it from
/// its hash faster than by trying logins. Dashes, spaces and case do not matter when one is typed.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 8;

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private const int Groups = 3;
    private const int GroupLength = 4;

    /// <summary>Random bits per code: 5 per character.</summary>
    public const int Bits = Groups * GroupLength * 5;

    public static IReadOnlyList<string> Generate() =>
        [.. Enumerable.Range(0, Count).Select(_ => Format(RandomNumberGenerator.GetString(Alphabet, Groups * GroupLength)))];

    /// <summary>The code as typed, without dashes and spaces, in lower case; null if it cannot be a recovery code.</summary>
    public static string? Normalize(string typed)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var sb = new StringBuilder(Groups * GroupLength);
        foreach (var c in typed)
        {
            if (c is '-' or ' ')
            {
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (!Alphabet.Contains(lower, StringComparison.Ordinal) || sb.Length == Groups * GroupLength)
            {
                return null;
            }

            sb.Append(lower);
        }

        return sb.Length == Groups * GroupLength ? sb.ToString() : null;
    }

    /// <summary>The stored form: SHA-256 of the normalized code.</summary>
    public static byte[] Hash(string normalized) => SHA256.HashData(Encoding.ASCII.GetBytes(normalized));

    private static string Format(string characters) =>
        string.Join('-', Enumerable.Range(0, Groups).Select(g => characters.Substring(g * GroupLength, GroupLength)));
}
