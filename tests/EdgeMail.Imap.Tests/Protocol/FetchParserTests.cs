using EdgeMail.Imap.Protocol;
using static EdgeMail.Imap.Tests.Protocol.ProtocolText;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>
/// FETCH arguments (RFC 9051 §6.4.5 and §9 "fetch-att", RFC 3516 BINARY, RFC 7162 §3.1.4 CHANGEDSINCE and §3.2.6
/// VANISHED): the input is what follows the verb; the expected text lists the set, then each item read.
/// </summary>
public sealed class FetchParserTests
{
    private static string Parse(string arguments)
    {
        var r = Reader(Bytes(arguments));
        return Fetch(FetchParser.Parse(ref r));
    }

    [Theory]
    // The macros (§6.4.5).
    [InlineData(" 1 ALL", "1: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE")]
    [InlineData(" 1 FAST", "1: FLAGS INTERNALDATE RFC822.SIZE")]
    [InlineData(" 1 FULL", "1: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY")]
    [InlineData(" 1 full", "1: FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY")]
    // The examples of §6.4.5.
    [InlineData(" 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", "2:4: FLAGS BODY[HEADER.FIELDS (DATE FROM)]")]
    [InlineData(" 1:* (FLAGS)", "1:*: FLAGS")]
    // One item without parentheses, and every simple item.
    [InlineData(" 1 FLAGS", "1: FLAGS")]
    [InlineData(" 1 (UID RFC822.SIZE INTERNALDATE ENVELOPE BODYSTRUCTURE MODSEQ)", "1: INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE UID MODSEQ")]
    [InlineData(" 1 BODY", "1: BODY")]
    [InlineData(" 1 (BODY BODYSTRUCTURE)", "1: BODY BODYSTRUCTURE")]
    [InlineData(" $ FLAGS", "$: FLAGS")]
    // RFC822, RFC822.HEADER (never sets \Seen), RFC822.TEXT.
    [InlineData(" 1 RFC822", "1: RFC822")]
    [InlineData(" 1 RFC822.HEADER", "1: RFC822.HEADER/peek")]
    [InlineData(" 1 RFC822.TEXT", "1: RFC822.TEXT")]
    // section = "[" [section-spec] "]"; section-part = nz-number *("." nz-number); section-text; section-msgtext.
    [InlineData(" 1 BODY[]", "1: BODY[]")]
    [InlineData(" 1 BODY.PEEK[]", "1: BODY[]/peek")]
    [InlineData(" 1 BODY[TEXT]", "1: BODY[TEXT]")]
    [InlineData(" 1 BODY[HEADER]", "1: BODY[HEADER]")]
    [InlineData(" 1 BODY[1]", "1: BODY[1]")]
    [InlineData(" 1 BODY[1.2.3]", "1: BODY[1.2.3]")]
    [InlineData(" 1 BODY[3.HEADER]", "1: BODY[3.HEADER]")]
    [InlineData(" 1 BODY[4.2.TEXT]", "1: BODY[4.2.TEXT]")]
    [InlineData(" 1 body.peek[1.2.mime]", "1: BODY[1.2.MIME]/peek")]
    [InlineData(" 1 BODY[HEADER.FIELDS.NOT (X-A x-b)]", "1: BODY[HEADER.FIELDS.NOT (X-A X-B)]")]
    [InlineData(" 1 BODY[2.HEADER.FIELDS (\"Subject\")]", "1: BODY[2.HEADER.FIELDS (SUBJECT)]")]
    // partial = "<" number64 "." nz-number64 ">"
    [InlineData(" 1 BODY[1.2]<0.4096>", "1: BODY[1.2]<0.4096>")]
    [InlineData(" 1 BODY.PEEK[]<100.10>", "1: BODY[]/peek<100.10>")]
    // RFC 3516: BINARY[section-binary] partial, BINARY.PEEK, BINARY.SIZE (no partial).
    [InlineData(" 1 BINARY[2]", "1: BINARY[2]")]
    [InlineData(" 1 BINARY[]", "1: BINARY[]")]
    [InlineData(" 1 BINARY.PEEK[1.1]<0.10>", "1: BINARY[1.1]/peek<0.10>")]
    [InlineData(" 1 BINARY.SIZE[2]", "1: BINARY.SIZE[2]/peek")]
    // fetch-modifiers (RFC 4466 §2.4): CHANGEDSINCE also asks for MODSEQ (RFC 7162 §3.1.4.1).
    [InlineData(" 1 (FLAGS) (CHANGEDSINCE 12345)", "1: FLAGS MODSEQ CHANGEDSINCE 12345")]
    [InlineData(" 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)", "1:*: FLAGS MODSEQ CHANGEDSINCE 12345 VANISHED")]
    [InlineData(" 1 FLAGS (VANISHED CHANGEDSINCE 1)", "1: FLAGS MODSEQ CHANGEDSINCE 1 VANISHED")]
    public void Fetch_arguments_are_read_into_the_request(string arguments, string expected)
    {
        Assert.Equal(expected, Parse(arguments));
    }

    [Theory]
    [InlineData("", "a space was expected")]
    [InlineData("1 FLAGS", "a space was expected")]
    [InlineData(" FLAGS", "a number was expected")]
    [InlineData(" 0 FLAGS", "a non-zero 32-bit number was expected")]
    [InlineData(" 1", "a space was expected")]
    [InlineData(" 1 ", "unknown FETCH item")]
    [InlineData(" 1 ()", "unknown FETCH item")]
    [InlineData(" 1 (FLAGS", "')' was expected")]
    [InlineData(" 1 (FLAGS )", "unknown FETCH item")]
    [InlineData(" 1 FOO", "unknown FETCH item")]
    [InlineData(" 1 FLAGS.SILENT", "unknown FETCH item")]
    [InlineData(" 1 (ALL)", "unknown FETCH item")]
    [InlineData(" 1 FLAGS)", "unexpected characters at the end of the command")]
    [InlineData(" 1 FLAGS ", "'(' was expected")]
    [InlineData(" 1 FLAGS x", "'(' was expected")]
    [InlineData(" 1 FLAGS ()", "unknown FETCH modifier")]
    [InlineData(" 1 FLAGS (FOO)", "unknown FETCH modifier")]
    [InlineData(" 1 FLAGS (CHANGEDSINCE)", "a space was expected")]
    [InlineData(" 1 FLAGS (CHANGEDSINCE x)", "a number was expected")]
    [InlineData(" 1 FLAGS (CHANGEDSINCE 1", "')' was expected")]
    [InlineData(" 1 FLAGS (VANISHED)", "VANISHED needs CHANGEDSINCE")]
    [InlineData(" 1 BODY[0]", "invalid section part number")]
    [InlineData(" 1 BODY[1.0]", "invalid section part number")]
    [InlineData(" 1 BODY[MIME]", "invalid section")]
    [InlineData(" 1 BODY[1.]", "invalid section")]
    [InlineData(" 1 BINARY[2.]", "invalid section")]
    [InlineData(" 1 BODY[FOO]", "invalid section")]
    [InlineData(" 1 BODY[HEADERS]", "invalid section")]
    [InlineData(" 1 BODY[1", "invalid section")]
    [InlineData(" 1 BODY[TEXT", "']' was expected")]
    [InlineData(" 1 BODY.PEEK", "'[' was expected")]
    [InlineData(" 1 BINARY", "'[' was expected")]
    [InlineData(" 1 BINARY[HEADER]", "BINARY takes a part number only")]
    [InlineData(" 1 BINARY[1.MIME]", "BINARY takes a part number only")]
    [InlineData(" 1 BODY[HEADER.FIELDS]", "a space was expected")]
    [InlineData(" 1 BODY[HEADER.FIELDS X]", "'(' was expected")]
    [InlineData(" 1 BODY[HEADER.FIELDS ()]", "a string was expected")]
    [InlineData(" 1 BODY[HEADER.FIELDS (A]", "')' was expected")]
    [InlineData(" 1 BODY[]<0.0>", "a partial range needs a non-zero length")]
    [InlineData(" 1 BODY[]<0>", "'.' was expected")]
    [InlineData(" 1 BODY[]<0.5", "'>' was expected")]
    [InlineData(" 1 BODY[]<.5>", "a number was expected")]
    [InlineData(" 1 BINARY.SIZE[1]<0.1>", "unexpected characters at the end of the command")]
    public void Fetch_arguments_outside_the_grammar_are_refused(string arguments, string error)
    {
        var text = Bytes(arguments);
        var thrown = Assert.Throws<ImapParseException>(() =>
        {
            var r = Reader(text);
            FetchParser.Parse(ref r);
        });
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void A_section_part_of_more_than_64_levels_is_refused()
    {
        Assert.Equal("1: BODY[" + string.Join('.', Enumerable.Repeat(1, 64)) + "]", Parse(" 1 BODY[" + string.Join('.', Enumerable.Repeat(1, 64)) + "]"));
        var deep = Bytes(" 1 BODY[" + string.Join('.', Enumerable.Repeat(1, 65)) + "]");
        var thrown = Assert.Throws<ImapParseException>(() =>
        {
            var r = Reader(deep);
            FetchParser.Parse(ref r);
        });
        Assert.Equal("invalid section part number", thrown.Message);
    }

    [Theory]
    [InlineData(" 1 BODY[]", true)]
    [InlineData(" 1 RFC822", true)]
    [InlineData(" 1 RFC822.TEXT", true)]
    [InlineData(" 1 BINARY[1]", true)]
    [InlineData(" 1 BODY.PEEK[]", false)]
    [InlineData(" 1 RFC822.HEADER", false)]
    [InlineData(" 1 BINARY.PEEK[1]", false)]
    [InlineData(" 1 BINARY.SIZE[1]", false)]
    [InlineData(" 1 (FLAGS BODY)", false)]
    public void Only_items_that_read_a_body_without_peek_set_seen(string arguments, bool setsSeen)
    {
        var r = Reader(Bytes(arguments));
        Assert.Equal(setsSeen, FetchParser.Parse(ref r).SetsSeen);
    }
}
