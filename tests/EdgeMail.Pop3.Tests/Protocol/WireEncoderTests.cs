using System.Buffers;
using System.Text;
using EdgeMail.Pop3.Protocol;

namespace EdgeMail.Pop3.Tests.Protocol;

public sealed class WireEncoderTests
{
    [Theory]
    [InlineData("a\r\nb\r\n", "a\r\nb\r\n")]
    [InlineData("a\nb\n", "a\r\nb\r\n")] // bare LF gets its CR
    [InlineData("a\r\nb", "a\r\nb\r\n")] // a last line without an end gets one
    [InlineData(".\r\n", "..\r\n")] // RFC 1939 §3 byte-stuffing
    [InlineData("..x\r\n.\r\n", "...x\r\n..\r\n")]
    [InlineData("a.b\r\n", "a.b\r\n")] // only at a line start
    [InlineData("x\n.\n", "x\r\n..\r\n")]
    [InlineData("a\rb\r\n", "a\rb\r\n")] // a lone CR inside a line stays
    [InlineData("", "")]
    public void Encodes_lines_for_the_wire(string stored, string expected)
    {
        Assert.Equal(expected, Encode(stored, dotStuff: true, -1));
    }

    [Theory]
    [InlineData("H: 1\r\nH: 2\r\n\r\nb1\r\nb2\r\nb3\r\n", 0, "H: 1\r\nH: 2\r\n\r\n")]
    [InlineData("H: 1\r\nH: 2\r\n\r\nb1\r\nb2\r\nb3\r\n", 2, "H: 1\r\nH: 2\r\n\r\nb1\r\nb2\r\n")]
    [InlineData("H: 1\r\n\r\nb1\r\n", 10, "H: 1\r\n\r\nb1\r\n")]
    [InlineData("H: 1\n\n.b1\nb2\n", 1, "H: 1\r\n\r\n..b1\r\n")]
    [InlineData("H: 1\r\n", 0, "H: 1\r\n")] // no body at all
    public void Top_sends_the_header_and_n_body_lines(string stored, long lines, string expected)
    {
        Assert.Equal(expected, Encode(stored, dotStuff: true, lines));
    }

    [Theory]
    [InlineData("a\nb\n")]
    [InlineData(".\r\n.x\n")]
    [InlineData("no end")]
    public void Counting_equals_unstuffed_output(string stored)
    {
        var encoder = new WireEncoder(dotStuff: false);
        encoder.Write(Encoding.ASCII.GetBytes(stored), null);
        encoder.Complete(null);
        Assert.Equal(Encoding.ASCII.GetByteCount(Encode(stored, dotStuff: false, -1)), encoder.Length);
    }

    [Fact]
    public void Chunk_boundaries_do_not_change_the_output()
    {
        const string stored = "H: x\r\n\r\n.line\nother\r\n..\r\nend";
        var whole = Encode(stored, dotStuff: true, -1);
        var bytes = Encoding.ASCII.GetBytes(stored);
        for (var split = 1; split < bytes.Length; split++)
        {
            var output = new ArrayBufferWriter<byte>();
            var encoder = new WireEncoder(dotStuff: true);
            encoder.Write(bytes.AsSpan(0, split), output);
            encoder.Write(bytes.AsSpan(split), output);
            encoder.Complete(output);
            Assert.Equal(whole, Encoding.ASCII.GetString(output.WrittenSpan));
        }
    }

    private static string Encode(string stored, bool dotStuff, long lines)
    {
        var output = new ArrayBufferWriter<byte>();
        var encoder = new WireEncoder(dotStuff, lines);
        encoder.Write(Encoding.ASCII.GetBytes(stored), output);
        encoder.Complete(output);
        return Encoding.ASCII.GetString(output.WrittenSpan);
    }

    [Fact]
    public void Retr_writes_whole_runs_with_the_same_bytes_as_line_by_line_in_any_chunking()
    {
        var random = new Random(42);
        byte[] alphabet = "ab.\r\n"u8.ToArray();
        for (var round = 0; round < 500; round++)
        {
            var message = new byte[random.Next(0, 80)];
            for (var i = 0; i < message.Length; i++)
            {
                message[i] = alphabet[random.Next(alphabet.Length)];
            }

            foreach (var stuff in new[] { true, false })
            {
                // The line-by-line path (TOP with more lines than the message has) is the reference.
                var reference = new System.Buffers.ArrayBufferWriter<byte>();
                var lines = new WireEncoder(stuff, long.MaxValue);
                lines.Write(message, reference);
                lines.Complete(reference);

                var whole = new System.Buffers.ArrayBufferWriter<byte>();
                var encoder = new WireEncoder(stuff);
                var at = 0;
                while (at < message.Length)
                {
                    var take = random.Next(1, message.Length - at + 1);
                    encoder.Write(message.AsSpan(at, take), whole);
                    at += take;
                }

                encoder.Complete(whole);
                Assert.Equal(reference.WrittenSpan.ToArray(), whole.WrittenSpan.ToArray());
                Assert.Equal(reference.WrittenCount, encoder.Length);
            }
        }
    }
}
