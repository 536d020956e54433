using System.Globalization;
using System.Text;
using EdgeMail.Pop3.Protocol;

namespace EdgeMail.Pop3.Tests.Protocol;

/// <summary>
/// Pop3Reader, one rule of RFC 1939 §3 (and RFC 2449 §4, RFC 6856 §2) at a time: each row names the rule, the line,
/// what it reads ("(none)" when it fails) and where the reader stands after it; a failed read does not move it.
/// </summary>
public sealed class Pop3ReaderTests
{
    private static string Read(string rule, ref Pop3Reader r) => rule switch
    {
        "keyword" => r.TryReadKeyword(out var k) ? k : "(none)",
        "space" => r.TryReadSpace() ? "SP" : "(none)",
        "single-space" => r.TryReadSingleSpace() ? "SP" : "(none)",
        "end" => r.TryReadEnd() ? "end" : "(none)",
        "number" => r.TryReadNumber(out var n) ? n.ToString(CultureInfo.InvariantCulture) : "(none)",
        "argument" => r.TryReadArgument(out var a) ? a : "(none)",
        "rest" => r.TryReadRest(out var rest) ? "[" + rest + "]" : "(none)",
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "no such rule in this table"),
    };

    // How far a successful read moved; a failed one must not move at all. AtEnd stands in for the position.
    private static (string Value, string Left) Run(string rule, byte[] line)
    {
        var r = new Pop3Reader(line);
        var value = Read(rule, ref r);
        var left = new StringBuilder();
        while (!r.AtEnd && r.TryReadSingleSpace())
        {
            left.Append(' ');
        }

        if (!r.AtEnd)
        {
            // What is left is read as PASS's argument would be; with controls in it, that fails.
            left.Append(r.TryReadRest(out var rest) ? rest : "(controls)");
        }

        return (value, left.ToString());
    }

    [Theory]
    // keyword = 3*4 letters or digits, case-insensitive, then SP or the end (RFC 1939 §3, RFC 2449 §4).
    [InlineData("keyword", "STAT", "STAT", "")]
    [InlineData("keyword", "list 1", "LIST", " 1")]
    [InlineData("keyword", "TOP 1 2", "TOP", " 1 2")]
    [InlineData("keyword", "UTF8", "UTF8", "")]
    [InlineData("keyword", "ST", "(none)", "ST")]
    [InlineData("keyword", "STATS", "(none)", "STATS")]
    [InlineData("keyword", "ST@T", "(none)", "ST@T")]
    [InlineData("keyword", "STAT:", "(none)", "STAT:")]
    [InlineData("keyword", " STAT", "(none)", " STAT")]
    [InlineData("keyword", "", "(none)", "")]
    // The separator: one SP (Tolerance: a run of them); exactly one before PASS's argument.
    [InlineData("space", " 1", "SP", "1")]
    [InlineData("space", "   1", "SP", "1")]
    [InlineData("space", "1", "(none)", "1")]
    [InlineData("single-space", "  x", "SP", " x")]
    [InlineData("single-space", "x", "(none)", "x")]
    // The end, after trailing spaces (Tolerance: "STAT ").
    [InlineData("end", "", "end", "")]
    [InlineData("end", "   ", "end", "")]
    [InlineData("end", "  x", "(none)", "  x")]
    // msg and n: digits only, at most 9, then SP or the end.
    [InlineData("number", "0", "0", "")]
    [InlineData("number", "12 x", "12", " x")]
    [InlineData("number", "007", "7", "")]
    [InlineData("number", "999999999", "999999999", "")]
    [InlineData("number", "1234567890", "(none)", "1234567890")]
    [InlineData("number", "1x", "(none)", "1x")]
    [InlineData("number", "-1", "(none)", "-1")]
    [InlineData("number", "+1", "(none)", "+1")]
    [InlineData("number", "", "(none)", "")]
    // An argument: printable characters (UTF-8 accepted, RFC 6856 §2) up to the next SP.
    [InlineData("argument", "mrose", "mrose", "")]
    [InlineData("argument", "a b", "a", " b")]
    [InlineData("argument", "jörg@exämple.org", "jörg@exämple.org", "")]
    [InlineData("argument", "a\u0001b", "(none)", "(controls)")]
    [InlineData("argument", "a\u007fb", "(none)", "(controls)")]
    [InlineData("argument", "", "(none)", "")]
    // The rest of the line, spaces kept (PASS, RFC 1939 §7).
    [InlineData("rest", " two words ", "[ two words ]", "")]
    [InlineData("rest", "secret", "[secret]", "")]
    [InlineData("rest", "", "(none)", "")]
    [InlineData("rest", "a\rb", "(none)", "(controls)")]
    public void Rule_reads_the_value_and_leaves_the_rest(string rule, string line, string expected, string left)
    {
        Assert.Equal((expected, left), Run(rule, Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("argument")]
    [InlineData("rest")]
    public void Invalid_utf8_is_not_an_argument(string rule)
    {
        byte[] line = [(byte)'a', 0xC3, 0x28];
        var r = new Pop3Reader(line);
        Assert.Equal("(none)", Read(rule, ref r));
        Assert.False(r.AtEnd);
    }
}
