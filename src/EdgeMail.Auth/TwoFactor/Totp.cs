using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeMail.Auth.TwoFactor;

/// <summary>
/// HOTP (RFC 4226) and TOTP (RFC 6238), our own few lines rather than a package: the HMACs are in the BCL and the
/// algorithm is the counter as 8 big-endian bytes, one HMAC and the dynamic truncation of RFC 4226 §5.3. The defaults
/// are what authenticator apps assume: SHA-1, 6 digits, 30 s steps from the Unix epoch (RFC 6238 §4.1, §5.2).
/// </summary>
public static class Totp
{
    public const int DefaultDigits = 6;

    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromSeconds(30);

    private static readonly int[] PowersOfTen = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000];

    /// <summary>RFC 4226 §5.3: HOTP(K, C) = Truncate(HMAC(K, C)) mod 10^digits, left-padded with zeros.</summary>
    public static string Hotp(ReadOnlySpan<byte> key, long counter, int digits = DefaultDigits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        // RFC 4226 §5.3 asks for at least 6 digits; 8 is RFC 6238 Appendix B's and the most a 31-bit value gives in full.
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        Span<byte> message = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(message, counter);
        Span<byte> mac = stackalloc byte[HMACSHA512.HashSizeInBytes];
        var length = algorithm switch
        {
            TotpAlgorithm.Sha1 => HMACSHA1.HashData(key, message, mac),
            TotpAlgorithm.Sha256 => HMACSHA256.HashData(key, message, mac),
            TotpAlgorithm.Sha512 => HMACSHA512.HashData(key, message, mac),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };

        // Dynamic truncation (RFC 4226 §5.3): the low 4 bits of the last byte pick 4 bytes; their top bit is dropped.
        var offset = mac[length - 1] & 0x0F;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac.Slice(offset, 4)) & 0x7FFF_FFFF;
        CryptographicOperations.ZeroMemory(mac);
        return (binary % PowersOfTen[digits]).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    /// <summary>RFC 6238 §4.2: the time step T = floor((now - T0) / X), T0 the Unix epoch.</summary>
    public static long StepAt(DateTimeOffset time, TimeSpan? period = null)
    {
        var ticks = (time - DateTimeOffset.UnixEpoch).Ticks;
        var length = (period ?? DefaultPeriod).Ticks;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length, nameof(period));
        return ticks >= 0 ? ticks / length : -((-ticks + length - 1) / length);
    }

    /// <summary>RFC 6238 §4.2: TOTP = HOTP(K, T).</summary>
    public static string Code(ReadOnlySpan<byte> key, DateTimeOffset time, int digits = DefaultDigits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1, TimeSpan? period = null) =>
        Hotp(key, StepAt(time, period), digits, algorithm);

    /// <summary>
    /// The step whose code <paramref name="code"/> is, looked for at <paramref name="step"/> and up to
    /// <paramref name="skew"/> steps either side (RFC 6238 §5.2 recommends at most one step of network delay and clock
    /// drift), or null. Every candidate is computed and compared in constant time, so the time taken says nothing of
    /// which one (or how many digits) matched; the latest matching step wins.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> key, string code, long step, int skew = 1, int digits = DefaultDigits, TotpAlgorithm algorithm = TotpAlgorithm.Sha1)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length != digits)
        {
            return null;
        }

        Span<byte> given = stackalloc byte[digits];
        for (var i = 0; i < digits; i++)
        {
            given[i] = (byte)code[i];
        }

        long? matched = null;
        Span<byte> expected = stackalloc byte[digits];
        for (var candidate = step - skew; candidate <= step + skew; candidate++)
        {
            if (candidate < 0)
            {
                continue;
            }

            var text = Hotp(key, candidate, digits, algorithm);
            for (var i = 0; i < digits; i++)
            {
                expected[i] = (byte)text[i];
            }

            if (CryptographicOperations.FixedTimeEquals(expected, given))
            {
                matched = candidate;
            }
        }

        return matched;
    }
}
