using System.Text;
using MimeKit;

namespace EdgeMail.Store.Mime;

/// <summary>
/// Header values as they stand in the message, for ENVELOPE and BODYSTRUCTURE (RFC 3501 §7.4.2: the fields are the
/// header's text; decoding RFC 2047 words or charsets is the client's job). A value is kept as its octets, one char
/// per octet (Latin-1), so that 8-bit bytes that are not UTF-8 survive to the wire unchanged.
/// </summary>
internal static class HeaderText
{
    /// <summary>
    /// The last header with this id, unfolded, not decoded, as octets in a Latin-1 string; null if absent. The last
    /// one, as Dovecot takes it, when a message has two (RFC 5322 §3.6 allows one Subject and one Date).
    /// </summary>
    public static string? Last(HeaderList headers, HeaderId id)
    {
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            if (headers[i].Id == id)
            {
                return Unfold(headers[i].RawValue);
            }
        }

        return null;
    }

    /// <summary>The first header with this id (MIME fields of a part: RFC 2045 allows one of each), unfolded; null if absent.</summary>
    public static string? First(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        return index < 0 ? null : Unfold(headers[index].RawValue);
    }

    /// <summary>
    /// RFC 5322 §2.2.3 unfolding, as Dovecot does it for ENVELOPE: a line break and the white space that follows it
    /// become one space (so a folding TAB is not kept where the reader expects a space), and the value is trimmed.
    /// </summary>
    public static string Unfold(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b is (byte)'\r' or (byte)'\n')
            {
                while (i + 1 < raw.Length && raw[i + 1] is (byte)'\r' or (byte)'\n' or (byte)' ' or (byte)'\t')
                {
                    i++;
                }

                text.Append(' ');
                continue;
            }

            text.Append((char)b);
        }

        return text.ToString().Trim(' ', '\t');
    }

    /// <summary>True when every octet string (Latin-1 form) is valid UTF-8, so that it can be stored as text.</summary>
    public static bool IsUtf8(string? octets)
    {
        if (octets is null || octets.All(c => c < 0x80))
        {
            return true;
        }

        return System.Text.Unicode.Utf8.IsValid(Encoding.Latin1.GetBytes(octets));
    }

    /// <summary>The octets (Latin-1 form) read as UTF-8; the caller has checked <see cref="IsUtf8"/>.</summary>
    public static string? AsUtf8(string? octets) =>
        octets is null || octets.All(c => c < 0x80) ? octets : Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(octets));
}
