using System.Text;

namespace EdgeMail.Store.Mime;

/// <summary>
/// The parameters of Content-Type or Content-Disposition (RFC 2045 §5.1, RFC 2183 §2) as BODYSTRUCTURE gives them:
/// not decoded. RFC 2231 continuations are joined into one parameter as Dovecot does it: "name*0*=UTF-8''%E6;
/// name*1=x" becomes ("name*" "UTF-8''%E6x"), still in RFC 2231 form for the client to decode, and 7-bit on the
/// wire; plain parameters come first, then the joined ones sorted by name. Works on octets held one per char.
/// </summary>
internal static class ParameterParser
{
    public static List<MimeParameter> Parse(string value)
    {
        var plain = new List<MimeParameter>();
        var extended = new List<(string Name, int Index, bool Encoded, string Value)>();
        var s = value.AsSpan();
        var pos = s.IndexOf(';');
        if (pos < 0)
        {
            return plain;
        }

        while (pos < s.Length)
        {
            if (s[pos] is ';' or ' ' or '\t' or '\r' or '\n')
            {
                pos++;
                continue;
            }

            if (s[pos] == '(')
            {
                SkipComment(s, ref pos);
                continue;
            }

            var nameStart = pos;
            while (pos < s.Length && s[pos] is not ('=' or ';'))
            {
                pos++;
            }

            var name = s[nameStart..pos].Trim(" \t").ToString();
            if (pos >= s.Length || s[pos] == ';')
            {
                continue;
            }

            pos++;
            while (pos < s.Length && s[pos] is ' ' or '\t')
            {
                pos++;
            }

            // A value without a name ("text/plain;=x") is read past and dropped. Before, the loop stayed on its "="
            // for ever: one such message spun a core at delivery (found by the mime fuzz target).
            var text = ReadValue(s, ref pos);
            if (name.Length > 0)
            {
                Add(name, text, plain, extended);
            }
        }

        foreach (var group in extended.GroupBy(e => e.Name, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
        {
            var segments = group.OrderBy(e => e.Index).ToList();
            var encoded = segments.Exists(e => e.Encoded);
            var joined = new StringBuilder();
            foreach (var segment in segments)
            {
                // RFC 2231 §4.1: once any segment is encoded, the joined value is encoded, so a plain one is escaped.
                joined.Append(encoded && !segment.Encoded ? Escape(segment.Value) : segment.Value);
            }

            plain.Add(new MimeParameter(encoded ? segments[0].Name + "*" : segments[0].Name, joined.ToString()));
        }

        return plain;
    }

    private static void Add(string name, string value, List<MimeParameter> plain, List<(string, int, bool, string)> extended)
    {
        var star = name.IndexOf('*', StringComparison.Ordinal);
        if (star <= 0)
        {
            plain.Add(new MimeParameter(name, value));
            return;
        }

        // RFC 2231 §3, §4: name*=..., name*N=..., name*N*=...
        var baseName = name[..star];
        var rest = name[(star + 1)..];
        if (rest.Length == 0)
        {
            extended.Add((baseName, 0, true, value));
            return;
        }

        var encoded = rest.EndsWith('*');
        var digits = encoded ? rest[..^1] : rest;
        if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
        {
            extended.Add((baseName, index, encoded, value));
        }
        else
        {
            plain.Add(new MimeParameter(name, value));
        }
    }

    /// <summary>A token or a quoted-string (quotes and backslashes removed; unterminated: to the end of the field).</summary>
    private static string ReadValue(ReadOnlySpan<char> s, ref int pos)
    {
        if (pos < s.Length && s[pos] == '"')
        {
            var text = new StringBuilder();
            pos++;
            while (pos < s.Length && s[pos] != '"')
            {
                if (s[pos] == '\\' && pos + 1 < s.Length)
                {
                    pos++;
                }

                text.Append(s[pos]);
                pos++;
            }

            pos = Math.Min(pos + 1, s.Length);
            return text.ToString();
        }

        var start = pos;
        while (pos < s.Length && s[pos] is not (';' or ' ' or '\t' or '\r' or '\n' or '('))
        {
            pos++;
        }

        return s[start..pos].ToString();
    }

    private static void SkipComment(ReadOnlySpan<char> s, ref int pos)
    {
        var depth = 0;
        while (pos < s.Length)
        {
            var c = s[pos++];
            if (c == '\\')
            {
                pos++;
            }
            else if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && --depth == 0)
            {
                return;
            }
        }
    }

    /// <summary>RFC 2231 §7 attribute-char: anything else becomes %XX.</summary>
    private static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c > ' ' && c < 0x7F && !"*'%()<>@,;:\\\"/[]?=".Contains(c, StringComparison.Ordinal))
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(((int)c & 0xFF).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
