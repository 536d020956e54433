using System.Text;

namespace EdgeMail.Store.Mime;

/// <summary>
/// An address header (RFC 5322 §3.4 address-list, with the obsolete forms of §4.4) turned into ENVELOPE addresses
/// (RFC 3501 §7.4.2) without decoding anything: a display name keeps its RFC 2047 encoded words and its octets, a
/// quoted string loses only its quotes and backslashes. Lenient like Dovecot's parser, whose answers clients know:
/// a comment stands in for a missing display name, a missing domain or local part becomes MISSING_DOMAIN or
/// MISSING_MAILBOX, and what cannot be parsed is skipped. Works on octets held one char per byte (Latin-1).
/// </summary>
internal ref struct AddressParser
{
    private const string MissingDomain = "MISSING_DOMAIN";
    private const string MissingMailbox = "MISSING_MAILBOX";

    private readonly ReadOnlySpan<char> _s;
    private int _pos;
    private string? _comment;

    private AddressParser(ReadOnlySpan<char> s)
    {
        _s = s;
    }

    public static List<EnvelopeAddress> Parse(string value)
    {
        var result = new List<EnvelopeAddress>();
        var parser = new AddressParser(value);
        parser.ReadList(result, inGroup: false);
        return result;
    }

    private void ReadList(List<EnvelopeAddress> result, bool inGroup)
    {
        while (true)
        {
            SkipCfws();
            if (_pos >= _s.Length)
            {
                return;
            }

            var c = _s[_pos];
            if (c == ',')
            {
                _pos++;
                continue;
            }

            if (c == ';')
            {
                _pos++;
                if (inGroup)
                {
                    return;
                }

                continue;
            }

            var before = _pos;
            ReadAddress(result, inGroup);
            if (_pos == before)
            {
                // Tolerance: a stray special (">" or "@" on its own) is skipped rather than failing the header.
                _pos++;
            }
        }
    }

    private void ReadAddress(List<EnvelopeAddress> result, bool inGroup)
    {
        var start = _pos;
        _comment = null;
        var phrase = ReadPhrase();
        SkipCfws();
        var next = _pos < _s.Length ? _s[_pos] : '\0';
        if (next == '<')
        {
            // name-addr = [display-name] angle-addr; angle-addr = "<" [obs-route] addr-spec ">".
            _pos++;
            var route = ReadRoute();
            var (mailbox, host) = ReadAddrSpec();
            SkipCfws();
            if (_pos < _s.Length && _s[_pos] == '>')
            {
                _pos++;
            }

            result.Add(new EnvelopeAddress(phrase, route, mailbox, host));
            return;
        }

        if (next == ':' && !inGroup && phrase is not null)
        {
            // RFC 3501 §7.4.2: a group is its start (NIL host, mailbox = the name), its members, and an end (NIL, NIL).
            _pos++;
            result.Add(new EnvelopeAddress(null, null, phrase, null));
            ReadList(result, inGroup: true);
            result.Add(new EnvelopeAddress(null, null, null, null));
            return;
        }

        // addr-spec alone; a comment after it is the name Dovecot shows ("bob@example.net (Bob Smith)").
        _pos = start;
        _comment = null;
        var (local, domain) = ReadAddrSpec();
        if (_pos == start)
        {
            return;
        }

        SkipCfws();
        result.Add(new EnvelopeAddress(_comment, null, local, domain));
    }

    /// <summary>obs-route = obs-domain-list ":"; given as "@a,@b" (RFC 3501 §7.4.2 at-domain-list).</summary>
    private string? ReadRoute()
    {
        SkipCfws();
        if (_pos >= _s.Length || _s[_pos] != '@')
        {
            return null;
        }

        var route = new StringBuilder();
        while (_pos < _s.Length && _s[_pos] is '@' or ',')
        {
            if (_s[_pos] == ',')
            {
                _pos++;
                SkipCfws();
                continue;
            }

            _pos++;
            if (route.Length > 0)
            {
                route.Append(',');
            }

            route.Append('@').Append(ReadDomain());
            SkipCfws();
        }

        if (_pos < _s.Length && _s[_pos] == ':')
        {
            _pos++;
        }

        return route.ToString();
    }

    private (string Mailbox, string Host) ReadAddrSpec()
    {
        SkipCfws();
        var local = ReadDotWords();
        SkipCfws();
        string? domain = null;
        if (_pos < _s.Length && _s[_pos] == '@')
        {
            _pos++;
            domain = ReadDomain();
        }

        return (string.IsNullOrEmpty(local) ? MissingMailbox : local, string.IsNullOrEmpty(domain) ? MissingDomain : domain);
    }

    private string ReadDomain()
    {
        SkipCfws();
        if (_pos < _s.Length && _s[_pos] == '[')
        {
            // domain-literal, kept with its brackets.
            var end = _s[_pos..].IndexOf(']');
            var literal = end < 0 ? _s[_pos..] : _s.Slice(_pos, end + 1);
            _pos += literal.Length;
            return literal.ToString();
        }

        return ReadDotWords();
    }

    /// <summary>dot-atom or obs-local-part: words (atoms or quoted strings) joined by ".", white space dropped.</summary>
    private string ReadDotWords()
    {
        var text = new StringBuilder();
        while (true)
        {
            SkipCfws();
            if (_pos >= _s.Length)
            {
                break;
            }

            var c = _s[_pos];
            if (c == '"')
            {
                text.Append(ReadQuoted());
            }
            else if (IsAtext(c))
            {
                text.Append(ReadAtom());
            }
            else
            {
                break;
            }

            SkipCfws();
            if (_pos < _s.Length && _s[_pos] == '.')
            {
                _pos++;
                text.Append('.');
                continue;
            }

            break;
        }

        return text.ToString();
    }

    /// <summary>display-name = phrase (obs-phrase allows "."): its words joined by one space, quotes removed.</summary>
    private string? ReadPhrase()
    {
        var text = new StringBuilder();
        while (true)
        {
            SkipCfws();
            if (_pos >= _s.Length)
            {
                break;
            }

            var c = _s[_pos];
            string word;
            if (c == '"')
            {
                word = ReadQuoted();
            }
            else if (IsAtext(c) || c == '.')
            {
                var start = _pos;
                while (_pos < _s.Length && (IsAtext(_s[_pos]) || _s[_pos] == '.'))
                {
                    _pos++;
                }

                word = _s[start.._pos].ToString();
            }
            else
            {
                break;
            }

            if (text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(word);
        }

        return text.Length == 0 ? null : text.ToString();
    }

    private string ReadAtom()
    {
        var start = _pos;
        while (_pos < _s.Length && IsAtext(_s[_pos]))
        {
            _pos++;
        }

        return _s[start.._pos].ToString();
    }

    /// <summary>quoted-string (RFC 5322 §3.2.4) without its quotes; a quoted-pair gives its character. Unterminated: to the end.</summary>
    private string ReadQuoted()
    {
        var text = new StringBuilder();
        _pos++;
        while (_pos < _s.Length && _s[_pos] != '"')
        {
            var c = _s[_pos];
            if (c == '\\' && _pos + 1 < _s.Length)
            {
                _pos++;
                c = _s[_pos];
            }

            if (c is not ('\r' or '\n'))
            {
                text.Append(c);
            }

            _pos++;
        }

        _pos = Math.Min(_pos + 1, _s.Length);
        return text.ToString();
    }

    /// <summary>CFWS: white space and comments; the last comment's text is kept (a name for a bare addr-spec).</summary>
    private void SkipCfws()
    {
        while (_pos < _s.Length)
        {
            var c = _s[_pos];
            if (c is ' ' or '\t' or '\r' or '\n')
            {
                _pos++;
            }
            else if (c == '(')
            {
                _comment = ReadComment();
            }
            else
            {
                return;
            }
        }
    }

    private string ReadComment()
    {
        var text = new StringBuilder();
        var depth = 0;
        while (_pos < _s.Length)
        {
            var c = _s[_pos++];
            if (c == '\\' && _pos < _s.Length)
            {
                text.Append(_s[_pos++]);
                continue;
            }

            if (c == '(')
            {
                if (depth++ > 0)
                {
                    text.Append(c);
                }

                continue;
            }

            if (c == ')')
            {
                if (--depth == 0)
                {
                    break;
                }

                text.Append(c);
                continue;
            }

            text.Append(c);
        }

        return text.ToString().Trim();
    }

    /// <summary>atext (RFC 5322 §3.2.3), with 8-bit octets allowed (RFC 6532 §3.2 UTF-8, or raw bytes as sent).</summary>
    private static bool IsAtext(char c) =>
        c >= 0x80 || char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~".Contains(c, StringComparison.Ordinal);
}
