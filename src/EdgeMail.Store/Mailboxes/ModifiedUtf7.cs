using System.Text;

namespace EdgeMail.Store.Mailboxes;

/// <summary>
/// Modified UTF-7 for mailbox names (RFC 3501 §5.1.3), for IMAP4rev1 clients that have not enabled
/// UTF8=ACCEPT. IMAP4rev2 and UTF8=ACCEPT sessions use UTF-8 names directly (RFC 9051 §5.1, RFC 6855 §3).
/// </summary>
public static class ModifiedUtf7
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

    public static string Encode(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        var i = 0;
        while (i < text.Length)
        {
            var ch = text[i];
            if (ch >= 0x20 && ch <= 0x7E)
            {
                sb.Append(ch == '&' ? "&-" : ch);
                i++;
                continue;
            }

            // A run of characters outside printable ASCII, as base64 of UTF-16BE (RFC 3501 §5.1.3).
            var start = i;
            while (i < text.Length && (text[i] < 0x20 || text[i] > 0x7E))
            {
                i++;
            }

            sb.Append('&');
            var bits = 0;
            var buffer = 0;
            for (var k = start; k < i; k++)
            {
                buffer = (buffer << 16) | text[k];
                bits += 16;
                while (bits >= 6)
                {
                    bits -= 6;
                    sb.Append(Alphabet[(buffer >> bits) & 0x3F]);
                }

                buffer &= (1 << bits) - 1;
            }

            if (bits > 0)
            {
                sb.Append(Alphabet[(buffer << (6 - bits)) & 0x3F]);
            }

            sb.Append('-');
        }

        return sb.ToString();
    }

    /// <summary>Decodes a modified UTF-7 name; false when it is not well formed (RFC 3501 §5.1.3 rules).</summary>
    public static bool TryDecode(string encoded, out string decoded)
    {
        decoded = string.Empty;
        var sb = new StringBuilder(encoded.Length);
        var i = 0;
        while (i < encoded.Length)
        {
            var ch = encoded[i];
            if (ch < 0x20 || ch > 0x7E)
            {
                return false;
            }

            if (ch != '&')
            {
                sb.Append(ch);
                i++;
                continue;
            }

            var end = encoded.IndexOf('-', i + 1);
            if (end < 0)
            {
                return false;
            }

            if (end == i + 1)
            {
                sb.Append('&');
                i = end + 1;
                continue;
            }

            var bits = 0;
            var buffer = 0;
            var produced = 0;
            for (var k = i + 1; k < end; k++)
            {
                var value = Alphabet.IndexOf(encoded[k]);
                if (value < 0)
                {
                    return false;
                }

                buffer = (buffer << 6) | value;
                bits += 6;
                if (bits >= 16)
                {
                    bits -= 16;
                    var unit = (char)((buffer >> bits) & 0xFFFF);
                    buffer &= (1 << bits) - 1;

                    // Printable ASCII must not be base64-encoded.
                    if (unit >= 0x20 && unit <= 0x7E)
                    {
                        return false;
                    }

                    sb.Append(unit);
                    produced++;
                }
            }

            // Leftover bits must be zero padding of less than one character.
            if (bits >= 6 || buffer != 0 || produced == 0)
            {
                return false;
            }

            i = end + 1;

            // Two adjacent encoded runs are not minimal.
            if (i < encoded.Length && encoded[i] == '&' && i + 1 < encoded.Length && encoded[i + 1] != '-')
            {
                return false;
            }
        }

        var result = sb.ToString();
        for (var k = 0; k < result.Length; k++)
        {
            if (char.IsHighSurrogate(result[k]))
            {
                if (k + 1 >= result.Length || !char.IsLowSurrogate(result[k + 1]))
                {
                    return false;
                }

                k++;
            }
            else if (char.IsLowSurrogate(result[k]))
            {
                return false;
            }
        }

        decoded = result;
        return true;
    }
}
