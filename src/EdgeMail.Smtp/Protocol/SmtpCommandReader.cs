using System.Buffers;
using System.Text;

namespace EdgeMail.Smtp.Protocol;

/// <summary>
/// Pure reader of one command line (without CRLF). Methods are named after the ABNF rules of RFC 5321 §4.1.2 and
/// rewind on failure. It knows nothing of sessions, stores or sockets, so parser tests and fuzzing call it directly.
/// </summary>
internal ref struct SmtpCommandReader
{
    private SequenceReader<byte> _reader;

    public SmtpCommandReader(ReadOnlyMemory<byte> line)
        : this(new ReadOnlySequence<byte>(line))
    {
    }

    public SmtpCommandReader(ReadOnlySequence<byte> line)
    {
        _reader = new SequenceReader<byte>(line);
    }

    public readonly bool End => _reader.End;

    /// <summary>The verb (RFC 5321 §4.1.1: case-insensitive), upper-cased; followed by SP or the end.</summary>
    public bool TryReadVerb(out string verb)
    {
        var copy = _reader;
        var builder = new StringBuilder(8);
        verb = "";
        while (copy.TryPeek(out var b) && b != (byte)' ')
        {
            if (!IsAlphaNum(b) || builder.Length >= 16)
            {
                return false;
            }

            builder.Append(char.ToUpperInvariant((char)b));
            copy.Advance(1);
        }

        if (builder.Length == 0)
        {
            return false;
        }

        verb = builder.ToString();
        _reader = copy;
        return true;
    }

    /// <summary>One SP, or several (Tolerance: some scanners' firmware double the space; Postfix accepts them too).</summary>
    public bool TryReadSpaces()
    {
        var n = _reader.AdvancePast((byte)' ');
        return n > 0;
    }

    /// <summary>The rest of the line as text (EHLO's domain or address-literal, HELP's argument, AUTH's arguments).</summary>
    public string ReadRest()
    {
        var rest = _reader.UnreadSequence;
        _reader.AdvanceToEnd();
        return Encoding.UTF8.GetString(rest).Trim();
    }

    /// <summary>Case-insensitive keyword such as "FROM:" or "TO:".</summary>
    public bool TryReadKeyword(ReadOnlySpan<byte> upperKeyword)
    {
        if (_reader.Remaining < upperKeyword.Length)
        {
            return false;
        }

        var copy = _reader;
        foreach (var expected in upperKeyword)
        {
            copy.TryRead(out var b);
            if (AsciiUpper(b) != expected)
            {
                return false;
            }
        }

        _reader = copy;
        return true;
    }

    /// <summary>
    /// Reverse-path = Path / "&lt;&gt;" (RFC 5321 §4.1.2), Forward-path = Path. Path = "&lt;" [ A-d-l ":" ] Mailbox "&gt;":
    /// the source route is read and ignored (§4.1.1.3, Appendix C). Returns the mailbox, "" for the null path.
    /// Non-ASCII is allowed here and checked against SMTPUTF8 by the caller (RFC 6531 §3.3).
    /// </summary>
    public bool TryReadPath(bool allowNull, out string mailbox)
    {
        mailbox = "";
        var copy = _reader;
        if (!copy.TryRead(out var open) || open != (byte)'<')
        {
            return false;
        }

        if (!copy.TryReadTo(out ReadOnlySequence<byte> inside, (byte)'>', advancePastDelimiter: true))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(inside);
        if (text.Length == 0)
        {
            if (!allowNull)
            {
                return false;
            }

            _reader = copy;
            return true;
        }

        if (!allowNull && text.Equals("Postmaster", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 5321 §4.1.1.3: "<Postmaster>" without a domain is a valid forward-path.
            mailbox = "Postmaster";
            _reader = copy;
            return true;
        }

        if (text[0] == '@')
        {
            // A-d-l: "@one,@two:" before the mailbox; ignored (RFC 5321 §4.1.1.3).
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            text = text[(colon + 1)..];
        }

        if (!IsMailbox(text))
        {
            return false;
        }

        mailbox = WithoutNeedlessQuotes(text);
        _reader = copy;
        return true;
    }

    /// <summary>
    /// A quoted local part whose content is a Dot-string names the same mailbox unquoted (RFC 5321 §4.1.2, RFC 5322
    /// §3.4.1: such quoting SHOULD NOT be used, and means nothing): "alice"@d is alice@d, as Postfix delivers it.
    /// Quoting that is needed ("john smith"@d, "a@b"@d) is kept.
    /// </summary>
    private static string WithoutNeedlessQuotes(string mailbox)
    {
        var at = mailbox.LastIndexOf('@');
        if (at < 3 || mailbox[0] != '"' || mailbox[at - 1] != '"')
        {
            return mailbox;
        }

        var inner = mailbox[1..(at - 1)];
        return IsLocalPart(inner) && !inner.StartsWith('"') ? inner + mailbox[at..] : mailbox;
    }

    /// <summary>esmtp-param = esmtp-keyword ["=" esmtp-value], separated by SP (RFC 5321 §4.1.2).</summary>
    public bool TryReadEsmtpParameters(out List<KeyValuePair<string, string?>> parameters)
    {
        parameters = [];
        var copy = _reader;
        while (true)
        {
            copy.AdvancePast((byte)' ');
            if (copy.End)
            {
                break;
            }

            if (!copy.TryReadTo(out ReadOnlySequence<byte> token, (byte)' ', advancePastDelimiter: false))
            {
                token = copy.UnreadSequence;
                copy.AdvanceToEnd();
            }

            var text = Encoding.UTF8.GetString(token);
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? text : text[..eq]).ToUpperInvariant();
            if (key.Length == 0 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }

            var value = eq < 0 ? null : text[(eq + 1)..];
            if (value is not null && (value.Length == 0 || value.Any(c => c is < '!' or '=' or (> '~' and < (char)0x80))))
            {
                return false;
            }

            parameters.Add(new(key, value));
        }

        _reader = copy;
        return true;
    }

    /// <summary>"MAIL FROM:" Reverse-path [SP Mail-parameters] (RFC 5321 §4.1.1.2), after the verb.</summary>
    public bool TryReadMailFrom(out MailCommand? command, out bool badParameter)
    {
        command = null;
        badParameter = false;
        TryReadSpaces();
        if (!TryReadKeyword("FROM:"u8))
        {
            return false;
        }

        // Tolerance: "MAIL FROM: <a@b>" with a space, sent by older scanner firmware and accepted by Postfix.
        TryReadSpaces();
        if (!TryReadPath(allowNull: true, out var path) || !TryReadEsmtpParameters(out var parameters))
        {
            return false;
        }

        long? size = null;
        bool eightBit = false, utf8 = false;
        string? ret = null, envid = null;
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "SIZE" when long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n): // RFC 1870 §6
                    size = n;
                    break;
                case "BODY" when value is not null && (value.Equals("7BIT", StringComparison.OrdinalIgnoreCase) || value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase)): // RFC 6152 §2
                    eightBit = value.Equals("8BITMIME", StringComparison.OrdinalIgnoreCase);
                    break;
                case "SMTPUTF8" when value is null: // RFC 6531 §3.4
                    utf8 = true;
                    break;
                case "RET" when value is not null && (value.Equals("FULL", StringComparison.OrdinalIgnoreCase) || value.Equals("HDRS", StringComparison.OrdinalIgnoreCase)): // RFC 3461 §4.3
                    ret = value.ToUpperInvariant();
                    break;
                case "ENVID" when value is not null && value.Length <= 100: // RFC 3461 §4.4
                    envid = value;
                    break;
                case "AUTH" when value is not null: // RFC 4954 §5: accepted, and not trusted
                    break;
                default:
                    badParameter = true;
                    return false;
            }
        }

        command = new MailCommand(path, size, eightBit, utf8, ret, envid);
        return true;
    }

    /// <summary>"RCPT TO:" Forward-path [SP Rcpt-parameters] (RFC 5321 §4.1.1.3), after the verb.</summary>
    public bool TryReadRcptTo(out RcptCommand? command, out bool badParameter)
    {
        command = null;
        badParameter = false;
        TryReadSpaces();
        if (!TryReadKeyword("TO:"u8))
        {
            return false;
        }

        TryReadSpaces();
        if (!TryReadPath(allowNull: false, out var path) || !TryReadEsmtpParameters(out var parameters))
        {
            return false;
        }

        string? notify = null, orcpt = null;
        foreach (var (key, value) in parameters)
        {
            switch (key)
            {
                case "NOTIFY" when value is not null && IsNotify(value): // RFC 3461 §4.1
                    notify = value.ToUpperInvariant();
                    break;
                case "ORCPT" when value is not null && value.Contains(';', StringComparison.Ordinal): // RFC 3461 §4.2
                    orcpt = value;
                    break;
                default:
                    badParameter = true;
                    return false;
            }
        }

        command = new RcptCommand(path, notify, orcpt);
        return true;
    }

    /// <summary>"BDAT" SP chunk-size [SP end-marker] (RFC 3030 §2), after the verb.</summary>
    public bool TryReadBdat(out BdatCommand command)
    {
        command = default;
        var copy = this;
        if (!copy.TryReadSpaces() || !copy.TryReadNumber(out var size))
        {
            return false;
        }

        var last = false;
        if (copy.TryReadSpaces())
        {
            if (!copy.TryReadKeyword("LAST"u8))
            {
                return false;
            }

            last = true;
        }

        copy.TryReadSpaces();
        if (!copy.End)
        {
            return false;
        }

        this = copy;
        command = new BdatCommand(size, last);
        return true;
    }

    private bool TryReadNumber(out long value)
    {
        value = 0;
        var digits = 0;
        while (_reader.TryPeek(out var b) && b is >= (byte)'0' and <= (byte)'9')
        {
            if (++digits > 18)
            {
                return false;
            }

            value = (value * 10) + (b - '0');
            _reader.Advance(1);
        }

        return digits > 0;
    }

    /// <summary>Mailbox = Local-part "@" ( Domain / address-literal ) (RFC 5321 §4.1.2), within §4.5.3.1 limits.</summary>
    public static bool IsMailbox(string text)
    {
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1 || Encoding.UTF8.GetByteCount(text) > 254)
        {
            return false;
        }

        var local = text[..at];
        var domain = text[(at + 1)..];
        return IsLocalPart(local) && (IsDomain(domain) || IsAddressLiteral(domain));
    }

    private static bool IsLocalPart(string local)
    {
        if (Encoding.UTF8.GetByteCount(local) > 64)
        {
            return false;
        }

        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            // Quoted-string: qtextSMTP or quoted-pairSMTP (§4.1.2).
            return local[1..^1].All(c => c >= ' ' && c != 0x7F);
        }

        // Dot-string = Atom *("." Atom).
        return local.Split('.').All(atom => atom.Length > 0 && atom.All(IsAtext));
    }

    private static bool IsDomain(string domain)
    {
        if (domain.Length > 255)
        {
            return false;
        }

        return domain.Split('.').All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' &&
            label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c >= 0x80));
    }

    private static bool IsAddressLiteral(string domain) =>
        domain.Length > 2 && domain[0] == '[' && domain[^1] == ']' &&
        (System.Net.IPAddress.TryParse(domain.StartsWith("[IPv6:", StringComparison.OrdinalIgnoreCase) ? domain[6..^1] : domain[1..^1], out _));

    // atext (RFC 5322 §3.2.3), plus UTF-8 (RFC 6531 §3.3).
    private static bool IsAtext(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal) || c >= 0x80;

    private static bool IsNotify(string value)
    {
        var items = value.ToUpperInvariant().Split(',');
        return items.All(i => i is "NEVER" or "SUCCESS" or "FAILURE" or "DELAY") && (!items.Contains("NEVER") || items.Length == 1);
    }

    private static bool IsAlphaNum(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9');

    private static byte AsciiUpper(byte b) => b is >= (byte)'a' and <= (byte)'z' ? (byte)(b - 32) : b;
}
