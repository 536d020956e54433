using EdgeMail.Imap.Protocol;
using static EdgeMail.Imap.Tests.Protocol.ProtocolText;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>
/// SEARCH arguments (RFC 9051 §6.4.4 and §9 "search-key", RFC 3501 §6.4.4, RFC 4731 §3 RETURN, RFC 5182 SAVE,
/// RFC 7162 §3.1.5 MODSEQ): the input is what follows the verb; the expected text is the key tree, with AND for
/// keys side by side.
/// </summary>
public sealed class SearchParserTests
{
    private static string Parse(string arguments)
    {
        var r = Reader(Bytes(arguments));
        return Search(SearchParser.Parse(ref r));
    }

    [Theory]
    // The examples of RFC 9051 §6.4.4.
    [InlineData(" FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "(AND FLAGGED SINCE 1994-02-01 (NOT HEADER FROM \"Smith\"))")]
    [InlineData(" TEXT \"string not in mailbox\"", "TEXT \"string not in mailbox\"")]
    [InlineData(" DELETED FROM \"SMITH\" SINCE 1-Feb-1994", "(AND DELETED HEADER FROM \"SMITH\" SINCE 1994-02-01)")]
    [InlineData(" RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"", "RETURN (MIN COUNT) (AND FLAGGED SINCE 1994-02-01 (NOT HEADER FROM \"Smith\"))")]
    [InlineData(" CHARSET UTF-8 TEXT {11}\r\nþæøß€", "CHARSET UTF-8 TEXT \"þæøß€\"")]
    // Every key.
    [InlineData(" ALL", "ALL")]
    [InlineData(" all", "ALL")]
    [InlineData(" ANSWERED DELETED DRAFT FLAGGED SEEN", "(AND ANSWERED DELETED DRAFT FLAGGED SEEN)")]
    [InlineData(" UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN", "(AND UNANSWERED UNDELETED UNDRAFT UNFLAGGED UNSEEN)")]
    [InlineData(" NEW", "(AND RECENT UNSEEN)")]
    [InlineData(" RECENT", "RECENT")]
    [InlineData(" OLD", "OLD")]
    [InlineData(" KEYWORD $Forwarded", "KEYWORD $Forwarded")]
    [InlineData(" UNKEYWORD Junk", "UNKEYWORD Junk")]
    [InlineData(" LARGER 1000 SMALLER 5000", "(AND LARGER 1000 SMALLER 5000)")]
    [InlineData(" BEFORE 1-Feb-1994", "BEFORE 1994-02-01")]
    [InlineData(" ON \"1-Feb-1994\"", "ON 1994-02-01")]
    [InlineData(" SINCE 01-Feb-1994", "SINCE 1994-02-01")]
    [InlineData(" SENTBEFORE 1-Feb-1994", "SENTBEFORE 1994-02-01")]
    [InlineData(" SENTON 1-Feb-1994", "SENTON 1994-02-01")]
    [InlineData(" SENTSINCE 1-Feb-1994", "SENTSINCE 1994-02-01")]
    [InlineData(" TO a CC b BCC c SUBJECT \"hello world\"", "(AND HEADER TO \"a\" HEADER CC \"b\" HEADER BCC \"c\" HEADER SUBJECT \"hello world\")")]
    [InlineData(" HEADER Message-ID \"<x@y>\"", "HEADER Message-ID \"<x@y>\"")]
    [InlineData(" HEADER X-Spam \"\"", "HEADER X-Spam \"\"")]
    [InlineData(" BODY lunch", "BODY \"lunch\"")]
    [InlineData(" SUBJECT {5}\r\nhello", "HEADER SUBJECT \"hello\"")]
    [InlineData(" SUBJECT \"Grüße\"", "HEADER SUBJECT \"Grüße\"")]
    [InlineData(" OR BODY \"foo\" TEXT bar", "(OR BODY \"foo\" TEXT \"bar\")")]
    [InlineData(" OR (SEEN FLAGGED) NOT DELETED", "(OR (AND SEEN FLAGGED) (NOT DELETED))")]
    [InlineData(" NOT NOT SEEN", "(NOT (NOT SEEN))")]
    [InlineData(" (SEEN)", "SEEN")]
    [InlineData(" ((SEEN))", "SEEN")]
    [InlineData(" 1:3,5 UNSEEN", "(AND SET 1:3,5 UNSEEN)")]
    [InlineData(" *", "SET *")]
    [InlineData(" $", "SET $")]
    [InlineData(" UID 2:*", "UID 2:*")]
    [InlineData(" UID $", "UID $")]
    // RFC 7162 §3.1.5, with and without the entry name and type.
    [InlineData(" MODSEQ 620162338", "MODSEQ 620162338")]
    [InlineData(" MODSEQ \"/flags/\\\\draft\" all 620162338", "MODSEQ 620162338")]
    // RFC 4731 §3 and RFC 5182: "RETURN ()" is RETURN (ALL).
    [InlineData(" RETURN () ALL", "RETURN (ALL) ALL")]
    [InlineData(" RETURN (ALL) ALL", "RETURN (ALL) ALL")]
    [InlineData(" RETURN (MAX) ALL", "RETURN (MAX) ALL")]
    [InlineData(" RETURN (SAVE) UNSEEN", "RETURN (SAVE) UNSEEN")]
    [InlineData(" RETURN (min save) ALL", "RETURN (MIN SAVE) ALL")]
    [InlineData(" RETURN (MIN COUNT) CHARSET US-ASCII ALL", "RETURN (MIN COUNT) CHARSET US-ASCII ALL")]
    public void Search_arguments_are_read_into_the_key_tree(string arguments, string expected)
    {
        Assert.Equal(expected, Parse(arguments));
    }

    [Theory]
    [InlineData("", "a space was expected")]
    [InlineData("ALL", "a space was expected")]
    [InlineData(" ", "an atom was expected")]
    [InlineData(" FOO", "unknown search key FOO")]
    [InlineData(" ALL )", "an atom was expected")]
    [InlineData(" ALL)", "unexpected characters at the end of the command")]
    [InlineData(" ALL ", "an atom was expected")]
    [InlineData(" (SEEN", "')' was expected")]
    [InlineData(" ()", "an atom was expected")]
    [InlineData(" 0", "a non-zero 32-bit number was expected")]
    [InlineData(" 1:", "a number was expected")]
    [InlineData(" RETURN", "a space was expected")]
    [InlineData(" RETURN MIN ALL", "'(' was expected")]
    [InlineData(" RETURN (FOO) ALL", "unknown SEARCH return option FOO")]
    [InlineData(" RETURN (MIN)", "a space was expected")]
    [InlineData(" RETURN (MIN", "an atom was expected")]
    [InlineData(" CHARSET", "a space was expected")]
    [InlineData(" CHARSET UTF-8", "a space was expected")]
    [InlineData(" NOT", "a space was expected")]
    [InlineData(" OR SEEN", "a space was expected")]
    [InlineData(" OR SEEN ", "an atom was expected")]
    [InlineData(" KEYWORD", "a space was expected")]
    [InlineData(" KEYWORD \\Seen", "an atom was expected")]
    [InlineData(" LARGER", "a space was expected")]
    [InlineData(" LARGER x", "a number was expected")]
    [InlineData(" SMALLER -1", "a number was expected")]
    [InlineData(" SINCE", "a space was expected")]
    [InlineData(" SINCE 1994-02-01", "a date such as 1-Feb-1994 was expected")]
    [InlineData(" SENTON 30-Feb-1994", "a date such as 1-Feb-1994 was expected")]
    [InlineData(" SUBJECT", "a space was expected")]
    [InlineData(" SUBJECT (x)", "a string was expected")]
    [InlineData(" HEADER Subject", "a space was expected")]
    [InlineData(" HEADER Subject \"x", "unterminated quoted string")]
    [InlineData(" BODY", "a space was expected")]
    [InlineData(" UID", "a space was expected")]
    [InlineData(" UID x", "a number was expected")]
    [InlineData(" MODSEQ", "a space was expected")]
    [InlineData(" MODSEQ x", "a number was expected")]
    [InlineData(" MODSEQ \"/flags/x\"", "a space was expected")]
    [InlineData(" MODSEQ \"/flags/x\" all", "a space was expected")]
    [InlineData(" MODSEQ 9223372036854775808", "number too large")]
    public void Search_arguments_outside_the_grammar_are_refused(string arguments, string error)
    {
        var text = Bytes(arguments);
        var thrown = Assert.Throws<ImapParseException>(() =>
        {
            var r = Reader(text);
            SearchParser.Parse(ref r);
        });
        Assert.Equal(error, thrown.Message);
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void Keys_nested_past_the_limit_are_refused(int depth, bool accepted)
    {
        var text = Bytes(" " + string.Concat(Enumerable.Repeat("NOT ", depth)) + "SEEN");
        if (accepted)
        {
            var r = Reader(text);
            Assert.StartsWith("(NOT (NOT", Search(SearchParser.Parse(ref r)));
            return;
        }

        var thrown = Assert.Throws<ImapParseException>(() =>
        {
            var r = Reader(text);
            SearchParser.Parse(ref r);
        });
        Assert.Equal("search keys nested too deeply", thrown.Message);
    }
}
