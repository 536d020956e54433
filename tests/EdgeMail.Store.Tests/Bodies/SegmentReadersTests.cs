using EdgeMail.Store.Bodies;
using EdgeMail.Testing;

namespace EdgeMail.Store.Tests.Bodies;

public sealed class SegmentReadersTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(long segment) => Path.Combine(_folder.Path, $"seg-{segment}");

    [Fact]
    public void A_reader_keeps_reading_a_forgotten_and_deleted_segment_and_the_handle_closes_after_it()
    {
        File.WriteAllText(PathOf(1), "hello segment");
        using var readers = new SegmentReaders(PathOf);
        var lease = readers.Acquire(1);
        readers.Forget(1);
        File.Delete(PathOf(1));

        var buffer = new byte[5];
        Assert.Equal(5, RandomAccess.Read(lease.Handle, buffer, 0));
        Assert.Equal("hello"u8.ToArray(), buffer);
        Assert.False(lease.Handle.IsClosed);
        lease.Dispose();
        Assert.True(lease.Handle.IsClosed);
    }

    [Fact]
    public void Readers_of_one_segment_share_one_handle_and_least_recently_used_segments_are_closed_past_the_cap()
    {
        for (var i = 0; i <= SegmentReaders.MaxOpen; i++)
        {
            File.WriteAllText(PathOf(i), "x");
        }

        using var readers = new SegmentReaders(PathOf);
        var first = readers.Acquire(0);
        var again = readers.Acquire(0);
        Assert.Same(first.Handle, again.Handle);
        first.Dispose();
        again.Dispose();
        Assert.False(first.Handle.IsClosed);

        for (var i = 1; i <= SegmentReaders.MaxOpen; i++)
        {
            readers.Acquire(i).Dispose();
        }

        // Segment 0 was used least recently and no one reads it: its handle is closed.
        Assert.True(first.Handle.IsClosed);
    }
}
