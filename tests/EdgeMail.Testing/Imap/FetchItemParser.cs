using System.Text;

namespace EdgeMail.Testing.Imap;

// RFC 9051 §9 msg-att, msg-att-dynamic, msg-att-static, section, date-time; RFC 3501 §9 (RFC822*, \Recent);
// CONDSTORE: RFC 7162 §3.1.4.1, §7 (fetch-mod-resp); BINARY: RFC 3516 §4.2 (section-binary, literal8).

/// <summary>msg-att: the items of one FETCH response, each once.</summary>
internal static class FetchItemParser
{
    private const string ItemNames = "FETCH item (FLAGS, UID, MODSEQ, INTERNALDATE, RFC822.SIZE, RFC822, RFC822.HEADER, RFC822.TEXT, ENVELOPE, BODY, BODYSTRUCTURE, BODY[...], BINARY[...], BINARY.SIZE[...])";

    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    // RFC 9051 §9: msg-att = "(" (msg-att-dynamic / msg-att-static) *(SP (msg-att-dynamic / msg-att-static)) ")".
    public static FetchResponse ReadMsgAtt(ImapSyntaxReader r, uint number)
    {
        var fetch = new FetchResponse { SequenceNumber = number };
        r.Expect((byte)'(', "'(' opening the FETCH msg-att");
        while (true)
        {
            ReadItem(r, fetch);
            if (r.TryTake((byte)')'))
            {
                return fetch;
            }

            r.Expect((byte)' ', "SP or ')' after a FETCH item");
        }
    }

    private static void ReadItem(ImapSyntaxReader r, FetchResponse fetch)
    {
        var at = r.Position;
        var name = r.ReadKeyword(ItemNames);
        var key = name;
        switch (name)
        {
            case "FLAGS":
                // RFC 9051 §9: "FLAGS" SP "(" [flag-fetch *(SP flag-fetch)] ")"; flag-fetch = flag / obsolete-flag-recent.
                r.Sp("after FLAGS");
                fetch.Flags = r.ReadList("FETCH FLAGS", x => x.ReadFlag("FETCH FLAGS"));
                break;
            case "UID":
                // RFC 9051 §9: "UID" SP uniqueid; uniqueid = nz-number.
                r.Sp("after UID");
                fetch.Uid = r.ReadNzNumber("nz-number after UID");
                break;
            case "MODSEQ":
                // RFC 7162 §7: fetch-mod-resp = "MODSEQ" SP "(" permsg-modsequence ")".
                r.Sp("after MODSEQ");
                r.Expect((byte)'(', "'(' opening MODSEQ");
                fetch.ModSeq = r.ReadModSeq("permsg-modsequence (mod-sequence-value)");
                r.Expect((byte)')', "')' closing MODSEQ");
                break;
            case "INTERNALDATE":
                r.Sp("after INTERNALDATE");
                fetch.InternalDate = ReadDateTime(r);
                break;
            case "RFC822.SIZE":
                // RFC 9051 §9: "RFC822.SIZE" SP number64.
                r.Sp("after RFC822.SIZE");
                fetch.Rfc822Size = r.ReadNumber64("number64 after RFC822.SIZE");
                break;
            case "RFC822" or "RFC822.HEADER" or "RFC822.TEXT":
                // RFC 3501 §9: "RFC822" [".HEADER" / ".TEXT"] SP nstring.
                r.Sp($"after {name}");
                fetch.SectionMap[key] = r.ReadNString($"{name} data");
                break;
            case "ENVELOPE":
                r.Sp("after ENVELOPE");
                fetch.Envelope = EnvelopeParser.ReadEnvelope(r);
                break;
            case "BODYSTRUCTURE":
                r.Sp("after BODYSTRUCTURE");
                fetch.BodyStructure = BodyStructureParser.ReadBody(r, 0);
                break;
            case "BODY" when r.Peek() == '[':
                // RFC 9051 §9: "BODY" section ["<" number ">"] SP nstring.
                key = "BODY" + ReadSection(r) + ReadOrigin(r);
                CheckDuplicate(r, fetch, key, at);
                r.Sp($"after {key}");
                fetch.SectionMap[key] = r.ReadNString($"{key} data");
                break;
            case "BODY":
                // RFC 9051 §9: "BODY" SP body (the non-extensible form).
                r.Sp("after BODY");
                fetch.Body = BodyStructureParser.ReadBody(r, 0);
                break;
            case "BINARY":
                // RFC 3516 §4.2: "BINARY" section-binary SP (nstring / literal8); the origin "<n>" of a partial fetch is in
                // the prose of RFC 3516 §4.2 (BINARY[section]<<number>>) though not in its formal syntax.
                key = "BINARY" + ReadSectionBinary(r) + ReadOrigin(r);
                CheckDuplicate(r, fetch, key, at);
                r.Sp($"after {key}");
                fetch.SectionMap[key] = r.Peek() == '~' ? r.ReadLiteral($"{key} data", allowLiteral8: true) : r.ReadNString($"{key} data");
                break;
            case "BINARY.SIZE":
                // RFC 3516 §4.2: "BINARY.SIZE" section-binary SP number.
                var part = ReadSectionBinary(r);
                key = $"BINARY.SIZE{part}";
                CheckDuplicate(r, fetch, key, at);
                r.Sp($"after {key}");
                fetch.BinarySizeMap[part[1..^1]] = r.ReadNumber("number after BINARY.SIZE");
                break;
            default:
                throw r.FailAt(at, ItemNames);
        }

        CheckDuplicate(r, fetch, key, at);
        fetch.ItemList.Add(key);
    }

    private static void CheckDuplicate(ImapSyntaxReader r, FetchResponse fetch, string key, int at)
    {
        if (fetch.ItemList.Contains(key))
        {
            throw r.FailAt(at, $"a FETCH item other than {key} (a FETCH response carries each item once)");
        }
    }

    // RFC 9051 §9: section = "[" [section-spec] "]"; section-spec = section-msgtext / (section-part ["." section-text]);
    // section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"; section-text = section-msgtext / "MIME".
    private static string ReadSection(ImapSyntaxReader r)
    {
        r.Expect((byte)'[', "'[' opening a section");
        var text = new StringBuilder("[");
        var part = false;
        if (r.Peek() is >= '0' and <= '9')
        {
            text.Append(ReadSectionPart(r));
            part = true;
            if (!r.TryTake((byte)'.'))
            {
                r.Expect((byte)']', "'.' or ']' after the section-part");
                return text.Append(']').ToString();
            }

            text.Append('.');
        }
        else if (r.TryTake((byte)']'))
        {
            return "[]";
        }

        var at = r.Position;
        var word = r.ReadKeyword("section-text (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT" + (part ? ", MIME)" : ")"));
        switch (word)
        {
            case "HEADER" or "TEXT":
                text.Append(word);
                break;
            case "MIME" when part:
                text.Append(word);
                break;
            case "HEADER.FIELDS" or "HEADER.FIELDS.NOT":
                text.Append(word);
                r.Sp($"after {word}");
                var fieldsStart = r.Position;
                r.ReadList("header-list", x => x.ReadAstring("header-fld-name"), allowEmpty: false);
                text.Append(' ').Append(Encoding.UTF8.GetString(r.Data, fieldsStart, r.Position - fieldsStart));
                break;
            default:
                throw r.FailAt(at, "section-text (HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT" + (part ? ", MIME)" : ")"));
        }

        r.Expect((byte)']', "']' closing the section");
        return text.Append(']').ToString();
    }

    // RFC 3516 §4.2: section-binary = "[" [section-part] "]".
    private static string ReadSectionBinary(ImapSyntaxReader r)
    {
        r.Expect((byte)'[', "'[' opening section-binary");
        if (r.Peek() is not (']' or (>= '1' and <= '9')))
        {
            throw r.Fail("section-part or ']' in section-binary (BINARY takes only part numbers, RFC 3516 §4.2)");
        }

        var part = r.Peek() == ']' ? string.Empty : ReadSectionPart(r);
        r.Expect((byte)']', "']' closing section-binary (it holds only a section-part)");
        return $"[{part}]";
    }

    // RFC 9051 §9: section-part = nz-number *("." nz-number).
    private static string ReadSectionPart(ImapSyntaxReader r)
    {
        var start = r.Position;
        r.ReadNzNumber("nz-number in the section-part");
        while (r.Peek() == '.' && r.PeekAt(1) is >= '0' and <= '9')
        {
            r.Position++;
            r.ReadNzNumber("nz-number in the section-part");
        }

        return Encoding.ASCII.GetString(r.Data, start, r.Position - start);
    }

    // RFC 9051 §9: ["<" number ">"], the origin octet of a partial fetch.
    private static string ReadOrigin(ImapSyntaxReader r)
    {
        if (!r.TryTake((byte)'<'))
        {
            return string.Empty;
        }

        var origin = r.ReadNumber("origin octet (number) after '<'");
        r.Expect((byte)'>', "'>' closing the origin octet");
        return "<" + origin.ToString(System.Globalization.CultureInfo.InvariantCulture) + ">";
    }

    // RFC 9051 §9: date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE;
    // date-day-fixed = (SP DIGIT) / 2DIGIT; time = 2DIGIT ":" 2DIGIT ":" 2DIGIT; zone = ("+" / "-") 4DIGIT.
    internal static DateTimeOffset ReadDateTime(ImapSyntaxReader r)
    {
        var start = r.Position;
        r.Expect((byte)'"', "DQUOTE opening the date-time");
        var day = r.Peek() == ' ' ? Digits(r, 1, 1, "date-day-fixed (SP DIGIT or 2DIGIT)") : Digits(r, 2, 0, "date-day-fixed (SP DIGIT or 2DIGIT)");
        r.Expect((byte)'-', "'-' after the day of date-time");
        var monthAt = r.Position;
        var monthText = r.Position + 3 <= r.Data.Length ? Encoding.ASCII.GetString(r.Data, r.Position, 3).ToUpperInvariant() : string.Empty;
        var month = Array.IndexOf(Months, monthText) + 1;
        if (month == 0)
        {
            throw r.Fail("date-month (Jan, Feb, ... Dec)");
        }

        r.Position += 3;
        r.Expect((byte)'-', "'-' after the month of date-time");
        var year = Digits(r, 4, 0, "date-year (4DIGIT)");
        r.Sp("between date and time in date-time");
        var hour = Digits(r, 2, 0, "hour (2DIGIT)");
        r.Expect((byte)':', "':' after the hour");
        var minute = Digits(r, 2, 0, "minute (2DIGIT)");
        r.Expect((byte)':', "':' after the minute");
        var second = Digits(r, 2, 0, "second (2DIGIT)");
        r.Sp("between time and zone in date-time");
        var sign = r.Peek() switch
        {
            '+' => 1,
            '-' => -1,
            _ => throw r.Fail("zone sign ('+' or '-')"),
        };
        r.Position++;
        var zone = Digits(r, 4, 0, "zone (4DIGIT)");
        r.Expect((byte)'"', "DQUOTE closing the date-time");
        if (hour > 23 || minute > 59 || second > 60 || zone % 100 > 59 || zone / 100 > 14)
        {
            throw r.FailAt(start, "a date-time whose time and zone are in range");
        }

        if (day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month) || year < 1)
        {
            throw r.FailAt(monthAt, "a date-time whose day exists in that month");
        }

        return new DateTimeOffset(year, month, day, hour, minute, Math.Min(second, 59), TimeSpan.FromMinutes(sign * ((zone / 100 * 60) + (zone % 100))));
    }

    private static int Digits(ImapSyntaxReader r, int count, int leadingSpaces, string expected)
    {
        for (var i = 0; i < leadingSpaces; i++)
        {
            r.Expect((byte)' ', expected);
        }

        var value = 0;
        for (var i = 0; i < count; i++)
        {
            if (r.Peek() is < '0' or > '9')
            {
                throw r.Fail(expected);
            }

            value = (value * 10) + (r.Peek() - '0');
            r.Position++;
        }

        return value;
    }
}
