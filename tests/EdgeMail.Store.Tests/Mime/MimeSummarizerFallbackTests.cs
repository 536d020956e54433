using System.Text;
using EdgeMail.Store.Mime;
using MimeKit;

namespace EdgeMail.Store.Tests.Mime;

public sealed class MimeSummarizerFallbackTests
{
    [Theory]
    // body-fld-lines counts line ends, as Dovecot does: a last line without one is not counted.
    [InlineData("no header at all\r\n", 1)]
    [InlineData("no header at all\r\nand a second line", 1)]
    [InlineData("no header at all\r\nand a second line\r\n", 2)]
    public void A_message_mimekit_cannot_read_is_one_text_part_with_its_line_count(string text, long lines)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(text));
        var summary = MimeSummarizer.Summarize(stream, new ParserOptions(), default);
        Assert.Equal("text", summary.Body.MediaType);
        Assert.Equal(text.Length, summary.Body.EndOffset);
        Assert.Equal(lines, summary.Body.Lines);
    }
}
