namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// Checks that server output is one well-formed IMAP value as a client's parser reads it (RFC 9051 §9): balanced
/// parentheses; quoted strings without CR, LF or NUL whose backslashes escape only " and \, and 7-bit unless UTF-8 is
/// on (RFC 6855 §3); literals {n} CRLF with exactly n octets, none of them NUL (CHAR8); atoms between.
/// </summary>
internal static class ImapSyntax
{
    public static void CheckValue(ReadOnlySpan<byte> text, bool utf8, string what)
    {
        var depth = 0;
        var values = 0;
        var i = 0;

        // Whether the last token was "(" or a space, after which a space may not come (a literal may end in either).
        var afterOpenOrSpace = true;
        while (i < text.Length)
        {
            var b = text[i];
            var token = b;
            switch (b)
            {
                case (byte)'(':
                    if (depth == 0)
                    {
                        values++;
                    }

                    depth++;
                    i++;
                    break;
                case (byte)')':
                    depth--;
                    InvariantViolation.Check(depth >= 0, $"{what}: a ')' closes nothing");
                    i++;
                    break;
                case (byte)' ':
                    InvariantViolation.Check(!afterOpenOrSpace, $"{what}: one space between values, at {i}");
                    i++;
                    break;
                case (byte)'"':
                    i = Quoted(text, i + 1, utf8, what);
                    values += depth == 0 ? 1 : 0;
                    break;
                case (byte)'{':
                    i = Literal(text, i + 1, what);
                    values += depth == 0 ? 1 : 0;
                    break;
                default:
                    var start = i;
                    while (i < text.Length && text[i] > 0x20 && text[i] < 0x7F && text[i] is not ((byte)'(' or (byte)')' or (byte)'"' or (byte)'{' or (byte)'\\'))
                    {
                        i++;
                    }

                    InvariantViolation.Check(i > start, $"{what}: byte 0x{b:x2} at {i} starts no value");
                    values += depth == 0 ? 1 : 0;
                    break;
            }

            afterOpenOrSpace = token is (byte)'(' or (byte)' ';
        }

        InvariantViolation.Check(depth == 0, $"{what}: {depth} parentheses left open");
        InvariantViolation.Check(values == 1, $"{what}: {values} values where one was expected");
    }

    private static int Quoted(ReadOnlySpan<byte> text, int i, bool utf8, string what)
    {
        var start = i;
        while (true)
        {
            InvariantViolation.Check(i < text.Length, $"{what}: a quoted string is not closed");
            var b = text[i++];
            if (b == '"')
            {
                InvariantViolation.Check(utf8 || !text[start..(i - 1)].ContainsAnyInRange((byte)0x80, (byte)0xFF), $"{what}: 8-bit octets in a quoted string");
                InvariantViolation.Check(!utf8 || System.Text.Unicode.Utf8.IsValid(text[start..(i - 1)]), $"{what}: a quoted string that is not UTF-8");
                return i;
            }

            InvariantViolation.Check(b is not ((byte)'\r' or (byte)'\n' or 0), $"{what}: CR, LF or NUL in a quoted string");
            if (b == '\\')
            {
                InvariantViolation.Check(i < text.Length && text[i] is (byte)'"' or (byte)'\\', $"{what}: a backslash escapes something other than \" or \\");
                i++;
            }
        }
    }

    private static int Literal(ReadOnlySpan<byte> text, int i, string what)
    {
        long length = 0;
        var digits = 0;
        while (i < text.Length && text[i] is >= (byte)'0' and <= (byte)'9' && digits < 12)
        {
            length = (length * 10) + (text[i++] - '0');
            digits++;
        }

        InvariantViolation.Check(digits > 0 && text[i..].StartsWith("}\r\n"u8), $"{what}: a literal is {{n}} CRLF");
        i += 3;
        InvariantViolation.Check(text.Length - i >= length, $"{what}: a literal is shorter than announced");
        InvariantViolation.Check(!text.Slice(i, (int)length).Contains((byte)0), $"{what}: NUL in a literal (CHAR8 excludes it)");
        return i + (int)length;
    }
}
