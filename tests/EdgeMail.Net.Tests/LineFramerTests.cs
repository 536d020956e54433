using System.Buffers;
using System.Text;
using EdgeMail.Net.Tests.Support;

namespace EdgeMail.Net.Tests;

public sealed class LineFramerTests
{
    [Theory]
    [InlineData("a\r\n", "a", false)]
    [InlineData("a\n", "a", true)]
    [InlineData("\r\n", "", false)]
    [InlineData("\n", "", true)]
    [InlineData("A1 LOGIN \"x y\" z\r\n", "A1 LOGIN \"x y\" z", false)]
    [InlineData("a\rb\r\n", "a\rb", false)] // a bare CR stays in the line for the protocol to judge
    [InlineData("a\r\r\n", "a\r", false)] // only the CR of the CRLF is stripped
    [InlineData("\0\xFF\0\x7F\r\n", "\0\xFF\0\x7F", false)]
    public void Frames_one_line_and_strips_only_its_terminator(string input, string expected, bool bareLineFeed)
    {
        var buffer = Sequences.FromParts(input);
        bool discarding = false;

        var status = LineFramer.TryRead(ref buffer, 64, ref discarding, out var line, out bool bare);

        Assert.Equal(LineFrameStatus.Line, status);
        Assert.Equal(expected, Sequences.Text(line));
        Assert.Equal(bareLineFeed, bare);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData("ab|\r\n", "ab")]
    [InlineData("ab\r|\n", "ab")]
    [InlineData("a|b|\r|\n", "ab")]
    [InlineData("|ab\r\n", "ab")]
    [InlineData("a||b\r\n|", "ab")]
    [InlineData("a\r|\r|\n", "a\r")]
    public void Frames_a_line_split_across_segments(string parts, string expected)
    {
        var buffer = Sequences.FromParts(parts.Split('|'));
        bool discarding = false;

        var status = LineFramer.TryRead(ref buffer, 64, ref discarding, out var line, out bool bare);

        Assert.Equal(LineFrameStatus.Line, status);
        Assert.Equal(expected, Sequences.Text(line));
        Assert.False(bare);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Pipelined_lines_come_one_at_a_time_and_a_partial_line_stays_unconsumed()
    {
        var buffer = Sequences.FromParts("one\r\ntwo\nta", "il");
        bool discarding = false;

        Assert.Equal(LineFrameStatus.Line, LineFramer.TryRead(ref buffer, 64, ref discarding, out var first, out bool firstBare));
        Assert.Equal(LineFrameStatus.Line, LineFramer.TryRead(ref buffer, 64, ref discarding, out var second, out bool secondBare));
        Assert.Equal(LineFrameStatus.Incomplete, LineFramer.TryRead(ref buffer, 64, ref discarding, out _, out _));

        Assert.Equal(("one", false), (Sequences.Text(first), firstBare));
        Assert.Equal(("two", true), (Sequences.Text(second), secondBare));
        Assert.Equal("tail", Sequences.Text(buffer));
        Assert.False(discarding);
    }

    // The cap counts the terminator, as RFC 5321 §4.5.3.1.4 does. Cap 8 here.
    [Theory]
    [InlineData("123456\r\n", LineFrameStatus.Line)] // exactly the cap with CRLF
    [InlineData("1234567\n", LineFrameStatus.Line)] // exactly the cap with a bare LF
    [InlineData("1234567\r\n", LineFrameStatus.TooLong)] // cap + 1
    [InlineData("12345678\n", LineFrameStatus.TooLong)] // cap + 1, bare LF
    [InlineData("1234567\r|\n", LineFrameStatus.TooLong)] // the cap is reached before the LF arrives
    [InlineData("123456789\r\nnext\r\n", LineFrameStatus.TooLong)] // the LF is in the same buffer, past the cap
    public void A_line_at_the_cap_is_accepted_and_one_byte_more_is_too_long(string input, LineFrameStatus expected)
    {
        var (statuses, lines, _) = Feed(8, input.Split('|'));

        Assert.Equal(expected, statuses[0]);
        if (expected == LineFrameStatus.Line)
        {
            Assert.Equal(input.TrimEnd('\n').TrimEnd('\r'), lines[0]);
        }
        if (input.EndsWith("next\r\n", StringComparison.Ordinal))
        {
            Assert.Equal([LineFrameStatus.TooLong, LineFrameStatus.Line], statuses);
            Assert.Equal("next", lines[1]);
        }
    }

    [Fact]
    public void A_partial_line_under_the_cap_is_examined_but_not_consumed()
    {
        var buffer = Sequences.FromParts("1234567");
        bool discarding = false;

        var status = LineFramer.TryRead(ref buffer, 8, ref discarding, out _, out _);

        Assert.Equal(LineFrameStatus.Incomplete, status);
        Assert.Equal("1234567", Sequences.Text(buffer));
        Assert.False(discarding);
    }

    [Fact]
    public void Reaching_the_cap_without_a_LF_consumes_everything_and_enters_discard_mode()
    {
        var buffer = Sequences.FromParts("1234", "5678");
        bool discarding = false;

        var status = LineFramer.TryRead(ref buffer, 8, ref discarding, out _, out _);

        Assert.Equal(LineFrameStatus.Incomplete, status);
        Assert.True(buffer.IsEmpty);
        Assert.True(discarding);
    }

    [Fact]
    public void Discard_spans_reads_reports_TooLong_once_and_then_frames_the_next_line()
    {
        var (statuses, lines, maxHeld) = Feed(16, "0123456789", "abcdefghij", "klmnopqrst", "uv\r\nnext\r\n");

        Assert.Equal([LineFrameStatus.TooLong, LineFrameStatus.Line], statuses);
        Assert.Equal("next", lines[1]);
        Assert.True(maxHeld <= 16, $"held {maxHeld} bytes");
    }

    [Fact]
    public void Binary_garbage_with_NULs_and_no_LF_is_discarded_without_being_held()
    {
        var random = new Random(42);
        var chunks = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[1000];
            random.NextBytes(bytes);
            for (int j = 0; j < bytes.Length; j++)
            {
                if (bytes[j] == '\n')
                {
                    bytes[j] = 0;
                }
            }
            bytes[0] = 0;
            chunks.Add(Encoding.Latin1.GetString(bytes));
        }
        chunks.Add("\r\nok\r\n");

        var (statuses, lines, maxHeld) = Feed(512, [.. chunks]);

        Assert.Equal([LineFrameStatus.TooLong, LineFrameStatus.Line], statuses);
        Assert.Equal("ok", lines[1]);
        Assert.True(maxHeld < 512 + 1000, $"held {maxHeld} bytes");
    }

    [Fact]
    public void Two_overlong_lines_are_reported_once_each()
    {
        var (statuses, _, _) = Feed(8, "aaaaaaaaaaaa\r\nbbbbbbbbbbbbbbbbb", "bbbbbbbbb\r\n", "ok\r\n");

        Assert.Equal([LineFrameStatus.TooLong, LineFrameStatus.TooLong, LineFrameStatus.Line], statuses);
    }

    // Plays a pipe: each chunk is appended to what the framer left unconsumed, as successive reads would deliver.
    private static (List<LineFrameStatus> Statuses, List<string> Lines, long MaxHeld) Feed(int maxLineBytes, params string[] chunks)
    {
        var statuses = new List<LineFrameStatus>();
        var lines = new List<string>();
        byte[] pending = [];
        long maxHeld = 0;
        bool discarding = false;
        foreach (var chunk in chunks)
        {
            var buffer = new ReadOnlySequence<byte>([.. pending, .. Encoding.Latin1.GetBytes(chunk)]);
            while (true)
            {
                var status = LineFramer.TryRead(ref buffer, maxLineBytes, ref discarding, out var line, out _);
                if (status == LineFrameStatus.Incomplete)
                {
                    break;
                }
                statuses.Add(status);
                lines.Add(Sequences.Text(line));
            }
            pending = buffer.ToArray();
            maxHeld = Math.Max(maxHeld, pending.Length);
        }
        return (statuses, lines, maxHeld);
    }
}
