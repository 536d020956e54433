using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace EdgeMail.Testing;

/// <summary>
/// The tests' own TOTP (RFC 6238 with HMAC-SHA-1 and 30 s steps, RFC 4226 §5.3's dynamic truncation) and Base32
/// (RFC 4648 §6), written apart from the server's so that a test of the admin login checks it against another
/// implementation; checked itself against RFC 6238 Appendix B in EdgeMail.Tests.
/// </summary>
public static class TestTotp
{
    public static string Code(byte[] key, DateTimeOffset at, int digits = 6)
    {
        var counter = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, at.ToUnixTimeSeconds() / 30);
        var hash = HMACSHA1.HashData(key, counter);
        var offset = hash[^1] & 0x0f;
        var value = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % (int)Math.Pow(10, digits)).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }

    public static byte[] Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('=').ToUpperInvariant())
        {
            var digit = alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                throw new FormatException($"'{c}' is not a Base32 digit");
            }
            buffer = (buffer << 5) | digit;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
