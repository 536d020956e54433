using System.Globalization;
using EdgeMail.Imap.Protocol;
using static EdgeMail.Imap.Tests.Protocol.ProtocolText;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>
/// ImapReader, one rule of RFC 9051 §9 at a time: the RFC's own examples, then hostile input. Each row names the
/// rule, the input, what it reads and where the reader stands after it; a TryRead that fails reads "(none)" and
/// leaves the reader where it was; a Read that fails throws the message in the row.
/// </summary>
public sealed class ImapReaderTests
{
    private static string Read(string rule, ref ImapReader r) => rule switch
    {
        "tag" => r.TryReadTag() ?? "(none)",
        "atom" => r.TryReadAtomText() ?? "(none)",
        "read-atom" => r.ReadAtom(),
        "astring" => r.ReadAstring(),
        "list-mailbox" => r.ReadListMailbox(),
        "nstring" => r.ReadNString() ?? "(NIL)",
        "string" => r.ReadString(),
        "number" => r.ReadNumber().ToString(CultureInfo.InvariantCulture),
        "nz-number" => r.ReadNumber(nonZero: true).ToString(CultureInfo.InvariantCulture),
        "number64" => r.ReadNumber64().ToString(CultureInfo.InvariantCulture),
        "try-number" => r.TryReadNumber(out var n) ? n.ToString(CultureInfo.InvariantCulture) : "(none)",
        "sequence-set" => Set(r.ReadSequenceSet()),
        "flag" => r.ReadFlag(),
        "flag-list" => "[" + string.Join(',', r.ReadFlagList()) + "]",
        "date-time" => r.ReadDateTime().ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
        "date" => r.ReadDate().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        "SP" => r.TryReadSpace() ? "SP" : "(none)",
        "read-SP" => ReadSpace(ref r),
        "end" => ExpectEnd(ref r),
        "(" => Expect(ref r, '('),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "no such rule in this table"),
    };

    private static string ReadSpace(ref ImapReader r)
    {
        r.ReadSpace();
        return "SP";
    }

    private static string ExpectEnd(ref ImapReader r)
    {
        r.ExpectEnd();
        return "end";
    }

    private static string Expect(ref ImapReader r, char c)
    {
        r.Expect(c);
        return c.ToString();
    }

    [Theory]
    // tag = 1*<any ASTRING-CHAR except "+">
    [InlineData("tag", "a001 NOOP", "a001", 4)]
    [InlineData("tag", "A142", "A142", 4)]
    [InlineData("tag", "a]b c", "a]b", 3)]
    [InlineData("tag", "a+b", "a", 1)]
    [InlineData("tag", "+ go", "(none)", 0)]
    [InlineData("tag", "* OK", "(none)", 0)]
    [InlineData("tag", "a(b", "a", 1)]
    [InlineData("tag", "\"a\"", "(none)", 0)]
    [InlineData("tag", "", "(none)", 0)]
    // atom = 1*ATOM-CHAR; atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
    [InlineData("atom", "INBOX rest", "INBOX", 5)]
    [InlineData("atom", "~foo", "~foo", 4)]
    [InlineData("atom", "a]b", "a", 1)]
    [InlineData("atom", "a%b", "a", 1)]
    [InlineData("atom", "a*", "a", 1)]
    [InlineData("atom", "a\"b", "a", 1)]
    [InlineData("atom", "a\\b", "a", 1)]
    [InlineData("atom", "a{1}", "a", 1)]
    [InlineData("atom", "a)", "a", 1)]
    [InlineData("atom", "a\u007fb", "a", 1)]
    [InlineData("atom", "a\u0001b", "a", 1)]
    [InlineData("atom", "ü", "(none)", 0)]
    [InlineData("atom", "(x", "(none)", 0)]
    [InlineData("atom", "", "(none)", 0)]
    [InlineData("read-atom", "NOOP", "NOOP", 4)]
    // astring = 1*ASTRING-CHAR / string; string = quoted / literal (and literal8, RFC 3516)
    [InlineData("astring", "INBOX", "INBOX", 5)]
    [InlineData("astring", "a]b c", "a]b", 3)]
    [InlineData("astring", "~foo", "~foo", 4)]
    [InlineData("astring", "\"My Box\" x", "My Box", 8)]
    [InlineData("astring", "\"\"", "", 2)]
    [InlineData("astring", "\"a\\\"b\"", "a\"b", 6)]
    [InlineData("astring", "\"a\\\\b\"", "a\\b", 6)]
    [InlineData("astring", "\"Grüße\"", "Grüße", 9)]
    [InlineData("astring", "Grüße", "Gr", 2)] // ASTRING-CHAR is 7-bit: UTF-8 only in quoted strings and literals (RFC 9051 §9)
    [InlineData("astring", "{5}\r\nhello world", "hello", 10)]
    [InlineData("astring", "{5+}\r\nhello", "hello", 11)]
    [InlineData("astring", "{5-}\r\nhello", "hello", 11)]
    [InlineData("astring", "~{3}\r\nabc", "abc", 9)]
    [InlineData("astring", "{0}\r\n", "", 5)]
    // list-mailbox = 1*list-char / string
    [InlineData("list-mailbox", "%", "%", 1)]
    [InlineData("list-mailbox", "INBOX.* x", "INBOX.*", 7)]
    [InlineData("list-mailbox", "a]*%", "a]*%", 4)]
    [InlineData("list-mailbox", "\"*\"", "*", 3)]
    // nstring = string / nil
    [InlineData("nstring", "NIL", "(NIL)", 3)]
    [InlineData("nstring", "nil", "(NIL)", 3)]
    [InlineData("nstring", "\"NIL\"", "NIL", 5)]
    [InlineData("nstring", "{3}\r\nabc", "abc", 8)]
    [InlineData("string", "\"\"", "", 2)]
    // number = 1*DIGIT (32 bits), nz-number, number64 (RFC 9051 §9), mod-sequence-value (RFC 7162 §7)
    [InlineData("number", "0", "0", 1)]
    [InlineData("number", "12abc", "12", 2)]
    [InlineData("number", "4294967295", "4294967295", 10)]
    [InlineData("number", "007", "7", 3)]
    [InlineData("nz-number", "1", "1", 1)]
    [InlineData("number64", "9223372036854775807", "9223372036854775807", 19)]
    [InlineData("try-number", "17 x", "17", 2)]
    [InlineData("try-number", "x", "(none)", 0)]
    [InlineData("try-number", "-1", "(none)", 0)]
    // sequence-set = (seq-number / seq-range) ["," sequence-set]; "$" (RFC 5182 §2)
    [InlineData("sequence-set", "1", "1", 1)]
    [InlineData("sequence-set", "1:3 x", "1:3", 3)]
    [InlineData("sequence-set", "2,4:7,9,12:*", "2,4:7,9,12:*", 12)]
    [InlineData("sequence-set", "*", "*", 1)]
    [InlineData("sequence-set", "*:4", "*:4", 3)]
    [InlineData("sequence-set", "4:2", "4:2", 3)]
    [InlineData("sequence-set", "4294967295", "4294967295", 10)]
    [InlineData("sequence-set", "$", "$", 1)]
    [InlineData("sequence-set", "$,1", "$", 1)]
    // flag = "\Answered" / "\Flagged" / "\Deleted" / "\Seen" / "\Draft" / flag-keyword / flag-extension
    [InlineData("flag", "\\Seen", "\\Seen", 5)]
    [InlineData("flag", "\\Deleted)", "\\Deleted", 8)]
    [InlineData("flag", "$Forwarded", "$Forwarded", 10)]
    [InlineData("flag", "\\Extension", "\\Extension", 10)]
    // flag-list = "(" [flag *(SP flag)] ")"
    [InlineData("flag-list", "()", "[]", 2)]
    [InlineData("flag-list", "(\\Seen)", "[\\Seen]", 7)]
    [InlineData("flag-list", "(\\Seen \\Deleted $Junk)", "[\\Seen,\\Deleted,$Junk]", 22)]
    // date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE
    [InlineData("date-time", "\"17-Jul-1996 02:44:25 -0700\"", "1996-07-17T02:44:25-07:00", 28)]
    [InlineData("date-time", "\" 7-Jul-1996 02:44:25 +0100\"", "1996-07-07T02:44:25+01:00", 28)]
    [InlineData("date-time", "\"07-Jul-1996 02:44:25 +0000\"", "1996-07-07T02:44:25+00:00", 28)]
    [InlineData("date-time", "\"01-Jan-2026 23:59:59 +1400\"", "2026-01-01T23:59:59+14:00", 28)]
    // date = date-text / DQUOTE date-text DQUOTE
    [InlineData("date", "1-Feb-1994", "1994-02-01", 10)]
    [InlineData("date", "01-Feb-1994 x", "1994-02-01", 11)]
    [InlineData("date", "\"1-Feb-1994\"", "1994-02-01", 12)]
    [InlineData("date", "1-Feb-1994)", "1994-02-01", 10)]
    [InlineData("SP", " x", "SP", 1)]
    [InlineData("SP", "x", "(none)", 0)]
    [InlineData("read-SP", " ", "SP", 1)]
    [InlineData("end", "", "end", 0)]
    [InlineData("(", "(x", "(", 1)]
    public void Rule_reads_the_value_and_stops_after_it(string rule, string input, string expected, int position)
    {
        var r = Reader(Bytes(input));
        Assert.Equal(expected, Read(rule, ref r));
        Assert.Equal(position, r.Position);
    }

    [Theory]
    [InlineData("read-atom", "", "an atom was expected")]
    [InlineData("read-atom", "(", "an atom was expected")]
    [InlineData("astring", "", "a string was expected")]
    [InlineData("astring", "(", "a string was expected")]
    [InlineData("astring", ")", "a string was expected")]
    [InlineData("astring", "\"abc", "unterminated quoted string")]
    [InlineData("astring", "\"a\\b\"", "a backslash in a quoted string must escape \" or \\")]
    [InlineData("astring", "\"a\\", "a backslash in a quoted string must escape \" or \\")]
    [InlineData("astring", "\"a\rb\"", "CR, LF and NUL are not allowed in a quoted string")]
    [InlineData("astring", "\"a\nb\"", "CR, LF and NUL are not allowed in a quoted string")]
    [InlineData("astring", "\"a\0b\"", "CR, LF and NUL are not allowed in a quoted string")]
    [InlineData("astring", "{5}\r\nabc", "literal longer than the command")]
    [InlineData("astring", "{3}abc", "malformed literal")]
    [InlineData("astring", "{3}\rabc", "malformed literal")]
    [InlineData("astring", "{3", "malformed literal")]
    [InlineData("astring", "{}\r\n", "a number was expected")]
    [InlineData("astring", "{x}\r\n", "a number was expected")]
    [InlineData("astring", "{-1}\r\n", "a number was expected")]
    [InlineData("astring", "{99999999999999999999}\r\n", "number too large")]
    [InlineData("astring", "{9223372036854775807}\r\n", "literal longer than the command")]
    [InlineData("list-mailbox", "", "a mailbox pattern was expected")]
    [InlineData("list-mailbox", "(", "a mailbox pattern was expected")]
    [InlineData("nstring", "abc", "a string was expected")]
    [InlineData("nstring", "", "a string was expected")]
    [InlineData("string", "abc", "a string was expected")]
    [InlineData("number", "", "a number was expected")]
    [InlineData("number", "x", "a number was expected")]
    [InlineData("number", "-1", "a number was expected")]
    [InlineData("number", "4294967296", "a 32-bit number was expected")]
    [InlineData("nz-number", "0", "a non-zero 32-bit number was expected")]
    [InlineData("nz-number", "4294967296", "a non-zero 32-bit number was expected")]
    [InlineData("number64", "9223372036854775808", "number too large")]
    [InlineData("sequence-set", "", "a number was expected")]
    [InlineData("sequence-set", "0", "a non-zero 32-bit number was expected")]
    [InlineData("sequence-set", "1:0", "a non-zero 32-bit number was expected")]
    [InlineData("sequence-set", "1:", "a number was expected")]
    [InlineData("sequence-set", "1,", "a number was expected")]
    [InlineData("sequence-set", ",1", "a number was expected")]
    [InlineData("sequence-set", "1::2", "a number was expected")]
    [InlineData("sequence-set", "4294967296", "a non-zero 32-bit number was expected")]
    [InlineData("flag", "", "a flag was expected")]
    [InlineData("flag", "\\", "a flag was expected")]
    [InlineData("flag", "\\*", "a flag was expected")]
    [InlineData("flag", "(", "a flag was expected")]
    [InlineData("flag-list", "\\Seen", "'(' was expected")]
    [InlineData("flag-list", "(\\Seen", "')' was expected")]
    [InlineData("flag-list", "(\\Seen )", "a flag was expected")]
    [InlineData("flag-list", "( \\Seen)", "a flag was expected")]
    [InlineData("flag-list", "(\\Seen,\\Deleted)", "')' was expected")]
    [InlineData("date-time", "17-Jul-1996 02:44:25 -0700", "a string was expected")]
    [InlineData("date-time", "\"17-Jul-1996\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"31-Feb-1996 02:44:25 -0700\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"17-Jul-1996 25:44:25 -0700\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"17-Jul-1996 02:44:25 +1500\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"17-Jul-1996 02:44:25 0700\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"17-Jul-1996 02:44:25 -07x0\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    // Found by fuzzing (imap-command): an instant before year 1 or after 9999 in UTC is no date-time, not a server bug.
    [InlineData("date-time", "\" 1-Jan-0001 00:00:00 +1400\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date-time", "\"31-Dec-9999 23:59:59 -1400\"", "a date-time such as \"17-Jul-1996 02:44:25 -0700\" was expected")]
    [InlineData("date", "1994-02-01", "a date such as 1-Feb-1994 was expected")]
    [InlineData("date", "32-Jan-2000", "a date such as 1-Feb-1994 was expected")]
    [InlineData("date", "1-Foo-2000", "a date such as 1-Feb-1994 was expected")]
    [InlineData("date", "", "a date such as 1-Feb-1994 was expected")]
    [InlineData("date", "\"1-Feb-1994", "unterminated quoted string")]
    [InlineData("read-SP", "", "a space was expected")]
    [InlineData("read-SP", "x", "a space was expected")]
    [InlineData("end", " ", "unexpected characters at the end of the command")]
    [InlineData("end", "x", "unexpected characters at the end of the command")]
    [InlineData("(", "x", "'(' was expected")]
    [InlineData("(", "", "'(' was expected")]
    public void Rule_refuses_what_its_grammar_does_not_allow(string rule, string input, string error)
    {
        var text = Bytes(input);
        var thrown = Assert.Throws<ImapParseException>(() =>
        {
            var r = Reader(text);
            Read(rule, ref r);
        });
        Assert.Equal(error, thrown.Message);
    }

    [Theory]
    [InlineData("BODY.PEEK", "body.peek[1]", true, 9)]
    [InlineData("BODY", "BODY[", true, 4)]
    [InlineData("BODY", "BODY", true, 4)]
    [InlineData("FLAGS", "FLAGS)", true, 5)]
    [InlineData("FLAGS", "flags x", true, 5)]
    [InlineData("FLAGS", "FLAGS.SILENT", false, 0)]
    [InlineData("BODY", "BODYSTRUCTURE", false, 0)]
    [InlineData("RFC822", "RFC822.SIZE", false, 0)]
    [InlineData("HEADER.FIELDS", "HEADER.FIELDS.NOT", false, 0)]
    [InlineData("UID", "UID2", false, 0)]
    [InlineData("NIL", "NI", false, 0)]
    [InlineData("NIL", "NUL", false, 0)]
    [InlineData("NIL", "", false, 0)]
    public void Keyword_matches_case_insensitively_and_only_a_whole_word(string keyword, string input, bool matches, int position)
    {
        var r = Reader(Bytes(input));
        Assert.Equal(matches, r.TryReadKeyword(keyword));
        Assert.Equal(position, r.Position);
    }

    [Fact]
    public void Peek_and_at_end_see_the_next_byte_without_moving()
    {
        var r = Reader(Bytes("a"));
        Assert.Equal('a', r.Peek);
        Assert.False(r.AtEnd);
        Assert.True(r.TryReadByte((byte)'a'));
        Assert.Equal(-1, r.Peek);
        Assert.True(r.AtEnd);
        Assert.False(r.TryReadByte((byte)'a'));
    }

    [Theory]
    [InlineData("a1 NOOP", "a1", "NOOP", 7)]
    [InlineData("a1 noop", "a1", "NOOP", 7)]
    [InlineData("A003 APPEND saved-messages (\\Seen) {310}", "A003", "APPEND", 11)]
    [InlineData("a2 uid fetch 1:* (FLAGS)", "a2", "UID FETCH", 12)]
    [InlineData("a2 UID  FETCH", null, null, 0)]
    [InlineData("a2 UID", null, null, 0)]
    [InlineData("a2 UID ", null, null, 0)]
    [InlineData("a2", null, null, 0)]
    [InlineData("a2 ", null, null, 0)]
    [InlineData("a2  NOOP", null, null, 0)]
    [InlineData("a2 (NOOP)", null, null, 0)]
    [InlineData("+ NOOP", null, null, 0)]
    [InlineData("* NOOP", null, null, 0)]
    [InlineData("", null, null, 0)]
    public void Command_head_is_tag_SP_verb(string line, string? tag, string? verb, int argumentsStart)
    {
        var ok = ImapCommand.TryParseHead(Bytes(line), out var readTag, out var name, out var start);
        Assert.Equal(tag is not null, ok);
        if (ok)
        {
            Assert.Equal((tag, verb, argumentsStart), (readTag, name, start));
        }
    }
}
