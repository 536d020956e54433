using System.Text;
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;

namespace EdgeMail.Pop3.Tests.Protocol;

public sealed class Pop3ParserTests
{
    // Rows: the examples of RFC 1939 §4–§7, RFC 2449 §5, RFC 5034 §4, then hostile input.
    [Theory]
    [InlineData("STAT", "PlainCommand { Keyword = STAT }")]
    [InlineData("stat", "PlainCommand { Keyword = STAT }")]
    [InlineData("LIST", "MessageCommand { Keyword = LIST, Message =  }")]
    [InlineData("LIST 2", "MessageCommand { Keyword = LIST, Message = 2 }")]
    [InlineData("RETR 1", "MessageCommand { Keyword = RETR, Message = 1 }")]
    [InlineData("DELE 1", "MessageCommand { Keyword = DELE, Message = 1 }")]
    [InlineData("TOP 1 10", "TopCommand { Keyword = TOP, Message = 1, Lines = 10 }")]
    [InlineData("TOP 1 0", "TopCommand { Keyword = TOP, Message = 1, Lines = 0 }")]
    [InlineData("UIDL", "MessageCommand { Keyword = UIDL, Message =  }")]
    [InlineData("UIDL 2", "MessageCommand { Keyword = UIDL, Message = 2 }")]
    [InlineData("USER mrose", "UserCommand { Keyword = USER, Name = mrose }")]
    [InlineData("PASS secret", "PASS ********")]
    [InlineData("PASS with spaces inside", "PASS ********")]
    [InlineData("CAPA", "PlainCommand { Keyword = CAPA }")]
    [InlineData("AUTH PLAIN", "AUTH PLAIN")]
    [InlineData("AUTH plain dGVzdAB0ZXN0AHRlc3Q=", "AUTH PLAIN ********")]
    [InlineData("QUIT", "PlainCommand { Keyword = QUIT }")]
    [InlineData("UTF8", "PlainCommand { Keyword = UTF8 }")]
    [InlineData("STLS", "PlainCommand { Keyword = STLS }")]
    [InlineData("LIST  2", "MessageCommand { Keyword = LIST, Message = 2 }")] // Tolerance: two spaces
    [InlineData("STAT ", "PlainCommand { Keyword = STAT }")] // Tolerance: trailing space
    [InlineData("USER jörg@exämple.org", "UserCommand { Keyword = USER, Name = jörg@exämple.org }")]
    [InlineData("NOOP", "PlainCommand { Keyword = NOOP }")]
    [InlineData("RSET", "PlainCommand { Keyword = RSET }")]
    [InlineData("list 2", "MessageCommand { Keyword = LIST, Message = 2 }")]
    [InlineData("LIST 0", "MessageCommand { Keyword = LIST, Message = 0 }")] // a number; the session answers that there is no message 0
    [InlineData("RETR 999999999", "MessageCommand { Keyword = RETR, Message = 999999999 }")]
    [InlineData("UIDL 1 ", "MessageCommand { Keyword = UIDL, Message = 1 }")] // Tolerance: trailing space
    [InlineData("TOP  1  10", "TopCommand { Keyword = TOP, Message = 1, Lines = 10 }")] // Tolerance: runs of spaces
    [InlineData("USER mrose ", "UserCommand { Keyword = USER, Name = mrose }")]
    [InlineData("PASS  leading", "PASS ********")]
    [InlineData("AUTH PLAIN =", "AUTH PLAIN ********")] // RFC 5034 §4: "=" is an empty initial response
    [InlineData("AUTH scram-sha-256", "AUTH SCRAM-SHA-256")]
    public void Parses_valid_commands(string line, string expected)
    {
        Assert.Equal(expected, Parse(line)?.ToString());
    }

    [Theory]
    [InlineData("STAT 1")]
    [InlineData("LIST x")]
    [InlineData("LIST -1")]
    [InlineData("LIST +1")]
    [InlineData("LIST 1 2")]
    [InlineData("RETR")]
    [InlineData("RETR 9999999999999999999999")]
    [InlineData("RETR 1234567890")]
    [InlineData("DELE 1x")]
    [InlineData("TOP 1")]
    [InlineData("TOP 1 -5")]
    [InlineData("TOP 1 99999999999")]
    [InlineData("USER")]
    [InlineData("USER a b")]
    [InlineData("USER a\u0001b")]
    [InlineData("PASS")]
    [InlineData("AUTH")]
    [InlineData("AUTH PLAIN a b")]
    [InlineData("QUIT now")]
    [InlineData("NOOP x")]
    [InlineData("UIDL x")]
    [InlineData("DELE")]
    [InlineData("DELE 1 2")]
    [InlineData("TOP")]
    [InlineData("TOP x 1")]
    [InlineData("TOP 1 2 3")]
    [InlineData("USER a\u007fb")]
    [InlineData("PASS ")]
    [InlineData("PASS a\u0000b")]
    [InlineData("AUTH PLAIN a\u0001")]
    [InlineData("STLS x")]
    public void Refuses_bad_arguments(string line)
    {
        Assert.Null(Parse(line));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" STAT")]
    [InlineData("ST")]
    [InlineData("STATS")]
    [InlineData("\u0000\u0000\u0000")]
    [InlineData("ST@T")]
    public void Refuses_lines_without_a_keyword(string line)
    {
        var reader = new Pop3Reader(Encoding.UTF8.GetBytes(line));
        Assert.False(Pop3Parser.TryReadKeyword(ref reader, out _));
    }

    [Fact]
    public void Refuses_invalid_utf8_in_arguments()
    {
        Assert.Null(Parse("USER "u8.ToArray().Concat(new byte[] { 0xC3, 0x28 }).ToArray()));
    }

    [Fact]
    public void Pass_keeps_spaces_of_the_password()
    {
        var command = Assert.IsType<PassCommand>(Parse("PASS  two words "));
        Assert.Equal(" two words ", command.Password);
    }

    private static Pop3Command? Parse(string line) => Parse(Encoding.UTF8.GetBytes(line));

    private static Pop3Command? Parse(byte[] line)
    {
        var reader = new Pop3Reader(line);
        if (!Pop3Parser.TryReadKeyword(ref reader, out var keyword))
        {
            return null;
        }

        var entry = CommandTable.Find(keyword);
        return entry?.Parse(ref reader, keyword);
    }
}
