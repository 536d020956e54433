using System.Text;
using EdgeMail.Store.Mime;

namespace EdgeMail.Store.Tests.Mime;

public sealed class LineEndsTests
{
    [Theory]
    [InlineData("a\r\nb\r\n", 6)]
    [InlineData("a\nb\n", 6)]            // bare LFs gain their CR
    [InlineData("a\r\nb", 6)]            // a last line without an end gains CRLF
    [InlineData("a\r\nb\r", 6)]          // ... or only the LF after a trailing CR
    [InlineData("", 0)]
    [InlineData("\n", 2)]
    [InlineData("x\r\r\n", 4)]           // a CR inside a line stays one octet
    public void Counts_the_message_as_it_is_with_crlf_line_ends(string text, long expected)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        for (var split = 0; split <= bytes.Length; split++)
        {
            // The same whatever the chunks it arrives in.
            var ends = new LineEnds();
            ends.Add(bytes.AsSpan(0, split));
            ends.Add(bytes.AsSpan(split));
            Assert.Equal(expected, ends.Complete());
        }
    }
}
