using System.Text;
using System.Text.Unicode;

namespace EdgeMail.Testing.Imap;

/// <summary>
/// A cursor over one response's bytes with a method per terminal rule of RFC 9051 §9 (atom, number, quoted,
/// literal, nstring, astring, flag, sequence-set, text). Each failure throws <see cref="ImapSyntaxException"/>
/// at the offending offset.
/// </summary>
internal sealed class ImapSyntaxReader(byte[] data, int position = 0)
{
    /// <summary>
    /// Nesting limit for body structures and extension lists, so hostile input cannot overflow the stack. Above what
    /// the server sends for the deepest mail it stores: Storage:MaxMimeDepth (64) gives 66 levels of body (65
    /// multiparts, as MimeKit counts its depth, and the part below them).
    /// </summary>
    public const int MaxDepth = 128;

    public byte[] Data { get; } = data;

    public int Position { get; set; } = position;

    public int Peek() => Position < Data.Length ? Data[Position] : -1;

    public int PeekAt(int ahead) => Position + ahead < Data.Length ? Data[Position + ahead] : -1;

    public ImapSyntaxException Fail(ImapExpected expected) => new(expected.ToString(), Position, Data);

    public ImapSyntaxException FailAt(int position, ImapExpected expected) => new(expected.ToString(), position, Data);

    public void Expect(byte b, ImapExpected expected)
    {
        if (Peek() != b)
        {
            throw Fail(expected);
        }

        Position++;
    }

    public bool TryTake(byte b)
    {
        if (Peek() != b)
        {
            return false;
        }

        Position++;
        return true;
    }

    public void Sp(ImapExpected context) => Expect((byte)' ', $"SP {context}");

    public void Crlf()
    {
        if (Peek() != '\r' || PeekAt(1) != '\n')
        {
            throw Fail("CRLF ending the response");
        }

        Position += 2;
    }

    // RFC 9051 §9: ATOM-CHAR = <any CHAR except atom-specials>; atom-specials = "(" / ")" / "{" / SP / CTL /
    // list-wildcards / quoted-specials / resp-specials.
    public static bool IsAtomChar(int b) => b is > 0x20 and < 0x7f and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']');

    // RFC 9051 §9: ASTRING-CHAR = ATOM-CHAR / resp-specials.
    public static bool IsAstringChar(int b) => IsAtomChar(b) || b == ']';

    private static bool IsKeywordChar(int b) => b is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '=' or '_';

    /// <summary>A response or item name (letters, digits, "." and "-"), upper-cased; stops before "[" or "&lt;".</summary>
    public string ReadKeyword(ImapExpected expected)
    {
        var start = Position;
        while (IsKeywordChar(Peek()))
        {
            Position++;
        }

        if (Position == start)
        {
            throw Fail(expected);
        }

        var word = Encoding.ASCII.GetString(Data, start, Position - start);
        return Data.AsSpan(start, Position - start).ContainsAnyInRange((byte)'a', (byte)'z') ? word.ToUpperInvariant() : word;
    }

    /// <summary>Whether the next bytes are <paramref name="word"/> (ABNF strings are case-insensitive) and not followed by an atom char; consumes it if so.</summary>
    public bool TryWord(string word)
    {
        if (Position + word.Length > Data.Length)
        {
            return false;
        }

        for (var i = 0; i < word.Length; i++)
        {
            if (char.ToUpperInvariant((char)Data[Position + i]) != word[i])
            {
                return false;
            }
        }

        if (IsAtomChar(PeekAt(word.Length)))
        {
            return false;
        }

        Position += word.Length;
        return true;
    }

    public bool TryNil() => TryWord("NIL");

    public string ReadAtom(ImapExpected expected)
    {
        var start = Position;
        while (IsAtomChar(Peek()))
        {
            Position++;
        }

        if (Position == start)
        {
            throw Fail(expected);
        }

        return Encoding.ASCII.GetString(Data, start, Position - start);
    }

    private ulong ReadDigits(ImapExpected expected, bool nonZeroFirst, ulong max)
    {
        var start = Position;
        if (Peek() is < '0' or > '9' || (nonZeroFirst && Peek() == '0'))
        {
            throw Fail(expected);
        }

        ulong value = 0;
        while (Peek() is >= '0' and <= '9')
        {
            value = (value * 10) + (ulong)(Peek() - '0');
            if (value > max || Position - start > 19)
            {
                throw FailAt(start, $"{expected} (at most {max})");
            }

            Position++;
        }

        return value;
    }

    // RFC 9051 §9: number = 1*DIGIT (unsigned 32-bit).
    public uint ReadNumber(ImapExpected expected) => (uint)ReadDigits(expected, false, uint.MaxValue);

    // RFC 9051 §9: nz-number = digit-nz *DIGIT (unsigned 32-bit, non-zero).
    public uint ReadNzNumber(ImapExpected expected) => (uint)ReadDigits(expected, true, uint.MaxValue);

    // RFC 9051 §9: number64 = 1*DIGIT (0 <= n <= 9,223,372,036,854,775,807).
    public long ReadNumber64(ImapExpected expected) => (long)ReadDigits(expected, false, long.MaxValue);

    // RFC 7162 §7: mod-sequence-value = 1*DIGIT, 1 <= n <= 9,223,372,036,854,775,807; mod-sequence-valzer allows 0.
    public ulong ReadModSeq(ImapExpected expected, bool allowZero = false)
    {
        var start = Position;
        var value = ReadDigits(expected, false, long.MaxValue);
        if (value == 0 && !allowZero)
        {
            throw FailAt(start, $"{expected} (a mod-sequence-value is never 0, RFC 7162 §7)");
        }

        return value;
    }

    // RFC 9051 §9: quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR = <any TEXT-CHAR except quoted-specials> /
    // "\" quoted-specials / UTF8-2 / UTF8-3 / UTF8-4.
    public ImapString ReadQuoted(ImapExpected context)
    {
        var start = Position;
        Expect((byte)'"', $"DQUOTE opening {context}");
        var escaped = false;
        var eightBit = false;
        var bodyStart = Position;
        while (true)
        {
            var b = Peek();
            if (b == '"')
            {
                break;
            }

            switch (b)
            {
                case -1:
                    throw Fail($"closing DQUOTE of {context}");
                case '\\':
                    if (PeekAt(1) is not ('"' or '\\'))
                    {
                        throw FailAt(Position + 1, "\" or \\ after a backslash in a quoted string (RFC 9051 §9 QUOTED-CHAR)");
                    }

                    escaped = true;
                    Position += 2;
                    continue;
                case '\r' or '\n' or 0:
                    throw Fail($"QUOTED-CHAR or closing DQUOTE of {context} (CR, LF and NUL cannot be quoted; RFC 9051 §4.3)");
                case >= 0x80:
                    eightBit = true;
                    break;
            }

            Position++;
        }

        var raw = Data.AsSpan(bodyStart, Position - bodyStart);
        Position++;
        byte[] bytes;
        if (!escaped)
        {
            bytes = raw.ToArray();
        }
        else
        {
            var list = new List<byte>(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] == '\\')
                {
                    i++;
                }

                list.Add(raw[i]);
            }

            bytes = [.. list];
        }

        if (eightBit && !Utf8.IsValid(bytes))
        {
            throw FailAt(start, $"valid UTF-8 inside {context} (8-bit octets in a quoted string must be UTF-8, RFC 9051 §9)");
        }

        return new ImapString(ImapStringForm.Quoted, bytes);
    }

    // RFC 9051 §9: literal = "{" number64 ["+"] "}" CRLF *CHAR8; RFC 3516 §4.2: literal8 = "~{" number64 "}" CRLF *OCTET.
    public ImapString ReadLiteral(ImapExpected context, bool allowLiteral8)
    {
        var start = Position;
        var eight = TryTake((byte)'~');
        if (eight && !allowLiteral8)
        {
            throw FailAt(start, $"quoted string or literal for {context} (literal8 \"~{{n}}\" is only allowed for BINARY data, RFC 3516 §4.2)");
        }

        Expect((byte)'{', $"'{{' opening a literal for {context}");
        var length = ReadNumber64("literal length (number64)");
        if (Peek() == '+')
        {
            throw Fail("'}' (a server must not send a non-synchronizing literal, RFC 9051 §4.3, RFC 7888 §4)");
        }

        Expect((byte)'}', "'}' closing the literal length");
        if (Peek() != '\r' || PeekAt(1) != '\n')
        {
            throw Fail("CRLF after the literal length");
        }

        Position += 2;
        var available = Data.Length - Position;
        if (length > available)
        {
            throw FailAt(start, $"{length} literal octets for {context}, but the response holds only {available} after the literal header");
        }

        var bytes = Data.AsSpan(Position, (int)length).ToArray();
        if (!eight)
        {
            var nul = Array.IndexOf(bytes, (byte)0);
            if (nul >= 0)
            {
                throw FailAt(Position + nul, "CHAR8 in a literal (NUL is only allowed in literal8, RFC 9051 §9, RFC 3516 §4.2)");
            }
        }

        Position += (int)length;
        return new ImapString(eight ? ImapStringForm.Literal8 : ImapStringForm.Literal, bytes);
    }

    // RFC 9051 §9: string = quoted / literal.
    public ImapString ReadString(ImapExpected context) => Peek() switch
    {
        '"' => ReadQuoted(context),
        '{' => ReadLiteral(context, false),
        '~' => ReadLiteral(context, false),
        _ => throw Fail($"string (quoted or literal) for {context}"),
    };

    // RFC 9051 §9: nstring = string / nil.
    public ImapString ReadNString(ImapExpected context) => TryNil() ? ImapString.Nil : Peek() is '"' or '{' or '~' ? ReadString(context) : throw Fail($"nstring (quoted, literal or NIL) for {context}");

    // RFC 9051 §9: astring = 1*ASTRING-CHAR / string.
    public ImapString ReadAstring(ImapExpected context)
    {
        // "~" is an ASTRING-CHAR ("~/Mail/foo" is an atom); only "~{" starts a literal8.
        if (Peek() is '"' or '{' || (Peek() == '~' && PeekAt(1) == '{'))
        {
            return ReadString(context);
        }

        var start = Position;
        while (IsAstringChar(Peek()))
        {
            Position++;
        }

        if (Position == start)
        {
            throw Fail($"astring (atom, quoted or literal) for {context}");
        }

        return new ImapString(ImapStringForm.Atom, Data.AsSpan(start, Position - start).ToArray());
    }

    // RFC 9051 §9: text = 1*(TEXT-CHAR / UTF8-2 / UTF8-3 / UTF8-4); TEXT-CHAR = <any CHAR except CR and LF>.
    public string ReadText()
    {
        var start = Position;
        while (Peek() is not ('\r' or -1))
        {
            if (Peek() is '\n' or 0)
            {
                throw Fail("TEXT-CHAR (NUL and bare LF are not allowed in response text)");
            }

            Position++;
        }

        var span = Data.AsSpan(start, Position - start);
        if (!Utf8.IsValid(span))
        {
            throw FailAt(start, "text of UTF-8 characters (RFC 9051 §9 text)");
        }

        return Encoding.UTF8.GetString(span);
    }

    // RFC 9051 §9: flag = "\Answered" / ... / flag-keyword / flag-extension; flag-extension = "\" atom;
    // flag-perm = flag / "\*".
    public string ReadFlag(ImapExpected context, bool allowStar = false)
    {
        if (TryTake((byte)'\\'))
        {
            if (allowStar && TryTake((byte)'*'))
            {
                return "\\*";
            }

            return "\\" + ReadAtom($"atom after '\\' in a flag in {context}");
        }

        return ReadAtom($"flag (\\atom or keyword atom) in {context}");
    }

    /// <summary>A parenthesized, space-separated list read by <paramref name="item"/>; "()" when allowed.</summary>
    public List<T> ReadList<T>(ImapExpected context, Func<ImapSyntaxReader, T> item, bool allowEmpty = true)
    {
        Expect((byte)'(', $"'(' opening {context}");
        var list = new List<T>();
        if (TryTake((byte)')'))
        {
            return allowEmpty ? list : throw FailAt(Position - 1, $"at least one item in {context}");
        }

        while (true)
        {
            list.Add(item(this));
            if (TryTake((byte)')'))
            {
                return list;
            }

            Expect((byte)' ', $"SP or ')' in {context}");
        }
    }

    // RFC 9051 §9: sequence-set = (seq-number / seq-range) ["," sequence-set]; seq-number = nz-number / "*".
    public string ReadSequenceSet(ImapExpected context, bool allowStar)
    {
        var start = Position;
        do
        {
            ReadSeqNumber(context, allowStar);
            if (TryTake((byte)':'))
            {
                ReadSeqNumber(context, allowStar);
            }
        }
        while (TryTake((byte)','));

        return Encoding.ASCII.GetString(Data, start, Position - start);
    }

    private void ReadSeqNumber(ImapExpected context, bool allowStar)
    {
        if (allowStar && TryTake((byte)'*'))
        {
            return;
        }

        if (allowStar)
        {
            ReadNzNumber($"nz-number or '*' in {context}");
        }
        else
        {
            ReadNzNumber($"nz-number (a UID set has no '*') in {context}");
        }
    }
}
