using System.Globalization;
using EdgeMail.Imap.Protocol;
using static EdgeMail.Imap.Tests.Protocol.ProtocolText;

namespace EdgeMail.Imap.Tests.Protocol;

/// <summary>
/// What a sequence-set names (RFC 9051 §9: "*" is the largest number in use, a range may be given in either order,
/// "$" is the saved result of RFC 5182), and the compact form UIDPLUS and ESEARCH send (RFC 4315 §3, RFC 4731 §3.1).
/// </summary>
public sealed class SequenceSetTests
{
    private static SequenceSet Read(string text)
    {
        var r = Reader(Bytes(text));
        var set = r.ReadSequenceSet();
        r.ExpectEnd();
        return set;
    }

    [Theory]
    [InlineData("1:3", 2u, 10u, true)]
    [InlineData("1:3", 3u, 10u, true)]
    [InlineData("1:3", 4u, 10u, false)]
    [InlineData("4:2", 3u, 10u, true)]
    [InlineData("2,4:7,9,12:*", 8u, 20u, false)]
    [InlineData("2,4:7,9,12:*", 9u, 20u, true)]
    [InlineData("2,4:7,9,12:*", 20u, 20u, true)]
    [InlineData("*", 10u, 10u, true)]
    [InlineData("*", 9u, 10u, false)]
    [InlineData("2:*", 10u, 5u, false)]
    [InlineData("*:3", 4u, 5u, true)]
    [InlineData("*:3", 2u, 5u, false)]
    [InlineData("7:*", 5u, 5u, true)]
    [InlineData("4294967295", 4294967295u, 5u, true)]
    [InlineData("4294967295", 5u, 5u, false)]
    [InlineData("$", 1u, 10u, false)]
    public void Contains_reads_star_as_the_largest_number_in_use(string set, uint value, uint largest, bool contains)
    {
        Assert.Equal(contains, Read(set).Contains(value, largest));
    }

    [Theory]
    [InlineData("1:3,7", 10u, 1u, 7u)]
    [InlineData("5:*", 3u, 3u, 5u)]
    [InlineData("*", 0u, 0u, 0u)]
    [InlineData("9:2", 10u, 2u, 9u)]
    [InlineData("$", 10u, uint.MaxValue, 0u)]
    public void Bounds_are_the_smallest_and_largest_named(string set, uint largest, uint min, uint max)
    {
        Assert.Equal((min, max), Read(set).Bounds(largest));
    }

    [Fact]
    public void Saved_is_the_dollar_set_without_ranges()
    {
        Assert.True(SequenceSet.Saved.IsSaved);
        Assert.Empty(SequenceSet.Saved.Ranges);
        Assert.Same(SequenceSet.Saved, Read("$"));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("1", "1")]
    [InlineData("1 2 3 7", "1:3,7")]
    [InlineData("1 3 5", "1,3,5")]
    [InlineData("1 2 4 5 6 9 10", "1:2,4:6,9:10")]
    [InlineData("4294967294 4294967295", "4294967294:4294967295")]
    public void Format_writes_ascending_values_as_ranges(string values, string expected)
    {
        var list = values.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => uint.Parse(v, CultureInfo.InvariantCulture));
        Assert.Equal(expected, SequenceSet.Format(list));
    }

    [Theory]
    [InlineData("1:3,7")]
    [InlineData("1,3,5")]
    [InlineData("4294967294:4294967295")]
    public void Format_reads_back_as_the_same_set(string text)
    {
        var set = Read(text);
        var values = Enumerable.Range(1, 10).Select(i => (uint)i).Concat([4294967294u, 4294967295u]).Where(v => set.Contains(v, 4294967295u));
        Assert.Equal(text, SequenceSet.Format(values));
    }
}
