using EdgeMail.Imap.Commands;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>The piecewise scan behind SEARCH BODY and TEXT: a body is read a piece at a time and never held whole.</summary>
public sealed class SearchTextTests
{
    [Theory]
    [InlineData("abcdefghij", "def", 4, true)]
    [InlineData("abcdefghij", "DEF", 3, true)]
    [InlineData("abcdefghij", "cdefg", 2, true)]
    [InlineData("abcdefghij", "hij", 1, true)]
    [InlineData("abcdefghij", "ijk", 4, false)]
    [InlineData("abcdefghij", "abcdefghijk", 4, false)]
    [InlineData("ab", "", 1, true)]
    [InlineData("", "a", 1, false)]
    public void A_match_across_two_pieces_is_found(string text, string value, int chunkChars, bool expected)
    {
        Assert.Equal(expected, SearchText.Contains(new StringReader(text), value, chunkChars));
    }

    [Fact]
    public void A_large_body_is_scanned_in_pieces_of_a_bounded_size()
    {
        var reader = new CountingReader(new string('x', 1_000_000) + "needle" + new string('y', 10));
        Assert.True(SearchText.Contains(reader, "NEEDLE"));
        Assert.InRange(reader.LargestRead, 1, SearchText.ChunkChars + 5);
    }

    private sealed class CountingReader(string text) : StringReader(text)
    {
        public int LargestRead { get; private set; }

        public override int Read(char[] buffer, int index, int count)
        {
            LargestRead = Math.Max(LargestRead, count);
            return base.Read(buffer, index, count);
        }
    }
}
