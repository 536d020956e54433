using System.Globalization;
using System.Text;

namespace EdgeMail.Imap.Protocol;

/// <summary>
/// Reads the arguments of a command by the rules of RFC 9051 §9 (formal syntax). Each TryRead method is
/// named after its ABNF rule and leaves the position unchanged when it fails; each Read method throws
/// <see cref="ImapParseException"/> instead. Pure: no I/O, no store, no logging.
/// </summary>
public ref struct ImapReader
{
    private readonly ReadOnlySpan<byte> _text;
    private readonly IReadOnlyList<SpooledLiteral> _spooled;
    private int _position;

    public ImapReader(ReadOnlySpan<byte> text, int position, IReadOnlyList<SpooledLiteral> spooled)
    {
        _text = text;
        _position = position;
        _spooled = spooled;
    }

    public readonly int Position => _position;

    public readonly bool AtEnd => _position >= _text.Length;

    public readonly int Peek => AtEnd ? -1 : _text[_position];

    /// <summary>Nothing may follow the arguments (the CRLF was removed by the framing).</summary>
    public readonly void ExpectEnd()
    {
        if (!AtEnd)
        {
            throw new ImapParseException("unexpected characters at the end of the command");
        }
    }

    public bool TryReadSpace() => TryReadByte((byte)' ');

    public void ReadSpace()
    {
        if (!TryReadSpace())
        {
            throw new ImapParseException("a space was expected");
        }
    }

    public bool TryReadByte(byte b)
    {
        if (!AtEnd && _text[_position] == b)
        {
            _position++;
            return true;
        }

        return false;
    }

    public void Expect(char c)
    {
        if (!TryReadByte((byte)c))
        {
            throw new ImapParseException($"'{c}' was expected");
        }
    }

    /// <summary>Case-insensitive keyword such as "BODY.PEEK"; it must end at a non-atom character.</summary>
    public bool TryReadKeyword(string keyword)
    {
        if (_text.Length - _position < keyword.Length)
        {
            return false;
        }

        for (var i = 0; i < keyword.Length; i++)
        {
            if (char.ToUpperInvariant((char)_text[_position + i]) != keyword[i])
            {
                return false;
            }
        }

        // The keyword must end where a word ends: "FLAGS" does not match "FLAGS.SILENT", nor "BODY" "BODYSTRUCTURE",
        // but "BODY" matches "BODY[" and "FLAGS" matches "FLAGS)".
        var end = _position + keyword.Length;
        if (end < _text.Length && IsWordChar(_text[end]) && IsWordChar((byte)keyword[^1]))
        {
            return false;
        }

        _position = end;
        return true;
    }

    /// <summary>tag = 1*&lt;any ASTRING-CHAR except "+"&gt;.</summary>
    public string? TryReadTag()
    {
        var start = _position;
        while (!AtEnd && IsAstringChar(_text[_position]) && _text[_position] != '+')
        {
            _position++;
        }

        return _position == start ? null : Encoding.ASCII.GetString(_text[start.._position]);
    }

    /// <summary>atom = 1*ATOM-CHAR.</summary>
    public string? TryReadAtomText()
    {
        var start = _position;
        while (!AtEnd && IsAtomChar(_text[_position]))
        {
            _position++;
        }

        return _position == start ? null : Encoding.ASCII.GetString(_text[start.._position]);
    }

    public string ReadAtom() => TryReadAtomText() ?? throw new ImapParseException("an atom was expected");

    /// <summary>astring = 1*ASTRING-CHAR / string. UTF-8 is accepted in every string (RFC 9051 §4.3, RFC 6855).</summary>
    public string ReadAstring()
    {
        if (AtString)
        {
            return Encoding.UTF8.GetString(ReadStringBytes().Span);
        }

        var start = _position;
        while (!AtEnd && IsAstringChar(_text[_position]))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ImapParseException("a string was expected");
        }

        return Encoding.UTF8.GetString(_text[start.._position]);
    }

    /// <summary>list-mailbox = 1*list-char / string (RFC 9051 §9): list-char = ATOM-CHAR / list-wildcards ("%", "*") / resp-specials ("]").</summary>
    public string ReadListMailbox()
    {
        if (AtString)
        {
            return Encoding.UTF8.GetString(ReadStringBytes().Span);
        }

        var start = _position;
        while (!AtEnd && (IsAstringChar(_text[_position]) || _text[_position] is (byte)'%' or (byte)'*'))
        {
            _position++;
        }

        if (_position == start)
        {
            throw new ImapParseException("a mailbox pattern was expected");
        }

        return Encoding.UTF8.GetString(_text[start.._position]);
    }

    // A quoted string, a literal, or a literal8 ("~{"); "~" alone is an ATOM-CHAR (RFC 9051 §9), so "~foo" is an atom.
    private readonly bool AtString =>
        Peek is '"' or '{' || (Peek == '~' && _position + 1 < _text.Length && _text[_position + 1] == '{');

    /// <summary>nstring = string / "NIL".</summary>
    public string? ReadNString()
    {
        if (TryReadKeyword("NIL"))
        {
            return null;
        }

        return Encoding.UTF8.GetString(ReadStringBytes().Span);
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadStringBytes().Span);

    /// <summary>string = quoted / literal; literal8 ("~{n}", RFC 3516) is accepted where a literal is.</summary>
    public ReadOnlyMemory<byte> ReadStringBytes()
    {
        var value = ReadLiteralValue();
        if (value.Spooled is not null)
        {
            throw new ImapParseException("this string is too long");
        }

        return value.Bytes;
    }

    /// <summary>A quoted string or a literal, which may have been spooled to a file (APPEND's message).</summary>
    public LiteralValue ReadLiteralValue()
    {
        if (TryReadByte((byte)'"'))
        {
            var bytes = new List<byte>();
            while (true)
            {
                if (AtEnd)
                {
                    throw new ImapParseException("unterminated quoted string");
                }

                var b = _text[_position++];
                if (b == '"')
                {
                    return new LiteralValue(bytes.ToArray(), null);
                }

                if (b == '\\')
                {
                    // quoted-specials = DQUOTE / "\" (RFC 9051 §9)
                    if (AtEnd || _text[_position] is not ((byte)'"' or (byte)'\\'))
                    {
                        throw new ImapParseException("a backslash in a quoted string must escape \" or \\");
                    }

                    b = _text[_position++];
                }
                else if (b is (byte)'\r' or (byte)'\n' or 0)
                {
                    throw new ImapParseException("CR, LF and NUL are not allowed in a quoted string");
                }

                bytes.Add(b);
            }
        }

        var start = _position;
        TryReadByte((byte)'~');
        if (!TryReadByte((byte)'{'))
        {
            _position = start;
            throw new ImapParseException("a string was expected");
        }

        var length = ReadNumber64();
        TryReadByte((byte)'+');
        TryReadByte((byte)'-');
        if (!TryReadByte((byte)'}') || !TryReadByte((byte)'\r') || !TryReadByte((byte)'\n'))
        {
            throw new ImapParseException("malformed literal");
        }

        foreach (var spool in _spooled)
        {
            if (spool.Offset == _position)
            {
                return new LiteralValue(default, spool);
            }
        }

        if ((ulong)(_text.Length - _position) < length)
        {
            throw new ImapParseException("literal longer than the command");
        }

        var literal = _text.Slice(_position, (int)length).ToArray();
        _position += (int)length;
        return new LiteralValue(literal, null);
    }

    /// <summary>number = 1*DIGIT (32 bits); nz-number when <paramref name="nonZero"/>.</summary>
    public uint ReadNumber(bool nonZero = false)
    {
        var value = ReadNumber64();
        if (value > uint.MaxValue || (nonZero && value == 0))
        {
            throw new ImapParseException(nonZero ? "a non-zero 32-bit number was expected" : "a 32-bit number was expected");
        }

        return (uint)value;
    }

    /// <summary>number64 (RFC 9051 §9), also mod-sequence-value (RFC 7162 §7): up to 2^63-1.</summary>
    public ulong ReadNumber64()
    {
        var start = _position;
        ulong value = 0;
        while (!AtEnd && _text[_position] is >= (byte)'0' and <= (byte)'9')
        {
            var digit = (ulong)(_text[_position] - '0');
            if (value > (long.MaxValue - digit) / 10)
            {
                throw new ImapParseException("number too large");
            }

            value = (value * 10) + digit;
            _position++;
        }

        if (_position == start)
        {
            throw new ImapParseException("a number was expected");
        }

        return value;
    }

    public bool TryReadNumber(out uint value)
    {
        value = 0;
        if (Peek is < '0' or > '9')
        {
            return false;
        }

        value = ReadNumber();
        return true;
    }

    /// <summary>sequence-set (RFC 9051 §9), and "$" (RFC 5182 §2).</summary>
    public SequenceSet ReadSequenceSet()
    {
        if (TryReadByte((byte)'$'))
        {
            return SequenceSet.Saved;
        }

        var ranges = new List<(uint, uint)>();
        do
        {
            var first = ReadSeqNumber();
            var last = first;
            if (TryReadByte((byte)':'))
            {
                last = ReadSeqNumber();
            }

            ranges.Add((first, last));
        }
        while (TryReadByte((byte)','));
        return new SequenceSet(ranges);
    }

    public bool LooksLikeSequenceSet() => Peek is (>= '0' and <= '9') or '*' or '$';

    private uint ReadSeqNumber()
    {
        if (TryReadByte((byte)'*'))
        {
            return SequenceSet.Star;
        }

        return ReadNumber(nonZero: true);
    }

    /// <summary>flag (RFC 9051 §9): "\" atom (a system flag or extension) or a keyword atom.</summary>
    public string ReadFlag()
    {
        var start = _position;
        TryReadByte((byte)'\\');
        var atom = TryReadAtomText();
        if (atom is null)
        {
            _position = start;
            throw new ImapParseException("a flag was expected");
        }

        return _text[start] == '\\' ? "\\" + atom : atom;
    }

    /// <summary>flag-list = "(" [flag *(SP flag)] ")".</summary>
    public List<string> ReadFlagList()
    {
        var flags = new List<string>();
        Expect('(');
        if (TryReadByte((byte)')'))
        {
            return flags;
        }

        do
        {
            flags.Add(ReadFlag());
        }
        while (TryReadSpace());
        Expect(')');
        return flags;
    }

    /// <summary>date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE.</summary>
    public DateTimeOffset ReadDateTime()
    {
        var text = ReadString();
        if (!DateTimeOffset.TryParseExact(text.Trim(), ["d-MMM-yyyy HH:mm:ss zzzz", "dd-MMM-yyyy HH:mm:ss zzzz"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            && !TryParseZone(text, out value))
        {
            throw new ImapParseException("a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected");
        }

        return value;
    }

    /// <summary>date = date-text / DQUOTE date-text DQUOTE, date-text = date-day "-" date-month "-" date-year.</summary>
    public DateOnly ReadDate()
    {
        string text;
        if (Peek == '"')
        {
            text = ReadString();
        }
        else
        {
            var start = _position;
            while (!AtEnd && _text[_position] != ' ' && _text[_position] != ')')
            {
                _position++;
            }

            text = Encoding.ASCII.GetString(_text[start.._position]);
        }

        if (!DateOnly.TryParseExact(text, ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new ImapParseException("a date such as 1-Feb-1994 was expected");
        }

        return date;
    }

    private static bool TryParseZone(string text, out DateTimeOffset value)
    {
        // "zzzz" in .NET wants +07:00; IMAP sends +0700.
        value = default;
        var t = text.Trim();
        if (t.Length < 5)
        {
            return false;
        }

        var zone = t[^5..];
        if (zone[0] is not ('+' or '-') || !int.TryParse(zone.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var hhmm))
        {
            return false;
        }

        if (!DateTime.TryParseExact(t[..^5].Trim(), ["d-MMM-yyyy HH:mm:ss", "dd-MMM-yyyy HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        var offset = new TimeSpan(hhmm / 100, hhmm % 100, 0);
        if (offset > TimeSpan.FromHours(14))
        {
            return false;
        }

        // The instant must exist in UTC too: "1-Jan-0001 00:00:00 +1400" would be before year 1, and DateTimeOffset
        // throws for it (found by the imap-command fuzz target; it was answered NO [SERVERBUG] instead of BAD).
        offset = zone[0] == '-' ? -offset : offset;
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>ATOM-CHAR = &lt;any CHAR except atom-specials&gt; (RFC 9051 §9).</summary>
    public static bool IsAtomChar(byte b) =>
        b > 0x20 && b < 0x7f && b is not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\' or (byte)']');

    private static bool IsWordChar(byte b) => b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'.' or (byte)'-' or (byte)'=';

    /// <summary>ASTRING-CHAR = ATOM-CHAR / resp-specials ("]").</summary>
    public static bool IsAstringChar(byte b) => IsAtomChar(b) || b == ']';
}
