using System.Buffers.Text;
using System.Text;

namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// Reads one command line (without its CRLF) by the rules of RFC 1939 §3 and RFC 2449 §4. Each TryRead
/// method is named after what it reads and leaves the position unchanged when it fails.
/// </summary>
internal ref struct Pop3Reader
{
    // RFC 1939 §3 has keywords of 3 or 4 characters; RFC 2449 §4 allows up to 4 (CAPA, STLS, UTF8).
    private const int MaxKeywordLength = 4;

    // A message number or a line count of more than 9 digits is no real request: the largest maildrop
    // fits in an int, and a TOP of a billion lines is the whole message anyway.
    private const int MaxNumberDigits = 9;

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly ReadOnlySpan<byte> _line;
    private int _position;

    public Pop3Reader(ReadOnlySpan<byte> line)
    {
        _line = line;
        _position = 0;
    }

    public readonly bool AtEnd => _position >= _line.Length;

    /// <summary>keyword = 3*4VCHAR, in practice letters and digits (UTF8); returned in upper case (RFC 1939 §3: case-insensitive).</summary>
    public bool TryReadKeyword(out string keyword)
    {
        keyword = "";
        var start = _position;
        var end = start;
        while (end < _line.Length && end - start <= MaxKeywordLength && (char.IsAsciiLetter((char)_line[end]) || char.IsAsciiDigit((char)_line[end])))
        {
            end++;
        }

        var length = end - start;
        if (length < 3 || length > MaxKeywordLength || (end < _line.Length && _line[end] != (byte)' '))
        {
            return false;
        }

        keyword = Encoding.ASCII.GetString(_line[start..end]).ToUpperInvariant();
        _position = end;
        return true;
    }

    /// <summary>
    /// The separator before an argument. RFC 1939 §3 says a single SPACE.
    /// Tolerance: runs of spaces are accepted (hand-typed telnet sessions, some scripts).
    /// </summary>
    public bool TryReadSpace()
    {
        var start = _position;
        while (_position < _line.Length && _line[_position] == (byte)' ')
        {
            _position++;
        }

        return _position > start;
    }

    /// <summary>Exactly one space (RFC 1939 §3), where what follows may itself start with a space (PASS).</summary>
    public bool TryReadSingleSpace()
    {
        if (_position < _line.Length && _line[_position] == (byte)' ')
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Trailing spaces before the end of the line. Tolerance: some clients send "STAT " or "LIST 1 ".
    /// </summary>
    public bool TryReadEnd()
    {
        var start = _position;
        while (_position < _line.Length && _line[_position] == (byte)' ')
        {
            _position++;
        }

        if (_position == _line.Length)
        {
            return true;
        }

        _position = start;
        return false;
    }

    /// <summary>A non-negative decimal number (RFC 1939 §3 "msg", "n"): digits only, no sign, at most 9 of them.</summary>
    public bool TryReadNumber(out int value)
    {
        value = 0;
        var rest = _line[_position..];
        var digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit((char)rest[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits > MaxNumberDigits || (digits < rest.Length && rest[digits] != (byte)' '))
        {
            return false;
        }

        if (!Utf8Parser.TryParse(rest[..digits], out value, out _))
        {
            return false;
        }

        _position += digits;
        return true;
    }

    /// <summary>
    /// An argument: printable characters up to the next space (RFC 1939 §3). UTF-8 is accepted, as RFC 6856 §2
    /// allows after the UTF8 command. Tolerance: also before it, since user names are addresses and some
    /// clients send them in UTF-8 without asking.
    /// </summary>
    public bool TryReadArgument(out string argument)
    {
        argument = "";
        var rest = _line[_position..];
        var end = rest.IndexOf((byte)' ');
        if (end < 0)
        {
            end = rest.Length;
        }

        if (end == 0 || !TryDecode(rest[..end], out argument))
        {
            return false;
        }

        _position += end;
        return true;
    }

    /// <summary>
    /// The rest of the line, spaces included: RFC 1939 §7 lets the server treat spaces in PASS's single argument
    /// as part of the password.
    /// </summary>
    public bool TryReadRest(out string rest)
    {
        rest = "";
        var bytes = _line[_position..];
        if (bytes.IsEmpty || !TryDecode(bytes, out rest))
        {
            return false;
        }

        _position = _line.Length;
        return true;
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        text = "";
        foreach (var b in bytes)
        {
            // RFC 1939 §3: arguments are printable; controls (NUL, CR, DEL) are never part of one.
            if (b < 0x20 || b == 0x7F)
            {
                return false;
            }
        }

        try
        {
            text = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
