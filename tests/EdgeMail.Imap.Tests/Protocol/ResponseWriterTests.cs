using System.IO.Pipelines;
using System.Text;
using EdgeMail.Imap.Protocol;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>ResponseWriter's strings as a client's parser reads them (RFC 9051 §4.3, §9).</summary>
public sealed class ResponseWriterTests
{
    [Theory]
    [InlineData("plain", false, "\"plain\"")]
    [InlineData("say \"hi\" \\ bye", false, "\"say \\\"hi\\\" \\\\ bye\"")]
    [InlineData("two\r\nlines", false, "{10}\r\ntwo\r\nlines")]
    // Found by the mime fuzz target: a MIME parameter holding NUL was written as a literal with NUL in it, which
    // CHAR8 (%x01-ff) excludes; it becomes U+FFFD, quoted where UTF-8 is on, a literal of its UTF-8 otherwise.
    [InlineData("cha\0rset", false, "{10}\r\ncha\u00ef\u00bf\u00bdrset")]
    [InlineData("cha\0rset", true, "\"cha\u00ef\u00bf\u00bdrset\"")]
    [InlineData("a\r\n\0", false, "{6}\r\na\r\n\u00ef\u00bf\u00bd")]
    public void String_is_quoted_or_a_literal_and_never_holds_NUL(string value, bool utf8, string expected)
    {
        var written = Write(w => w.String(value), utf8);

        Assert.Equal(expected, Encoding.Latin1.GetString(written));
        Assert.DoesNotContain((byte)0, written);
    }

    private static byte[] Write(Action<ResponseWriter> write, bool utf8)
    {
        using var buffer = new MemoryStream();
        var pipe = PipeWriter.Create(buffer, new StreamPipeWriterOptions(leaveOpen: true));
        var writer = new ResponseWriter(pipe) { Utf8Quoted = utf8 };
        write(writer);
        writer.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        pipe.Complete();
        return buffer.ToArray();
    }
}
