using System.IO.Pipelines;
using System.Text;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

public sealed class LineReaderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(10);

    private readonly Pipe _pipe = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false));
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Pipelined_lines_are_read_one_per_call()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync("a1 NOOP\r\na2 NOOP\n");

        var first = await reader.ReadLineAsync(64, LineTimeout);
        Assert.Equal("a1 NOOP", Text(first));
        var second = await reader.ReadLineAsync(64, LineTimeout);

        Assert.Equal((LineReadStatus.Line, "a2 NOOP", true), (second.Status, Text(second), second.EndsWithBareLineFeed));
        Assert.False(first.EndsWithBareLineFeed);
    }

    [Fact]
    public async Task A_buffered_pipelined_line_is_seen_without_being_consumed()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync("a1 NOOP\r\na2 NO");
        Assert.True(reader.HasBufferedLine());
        Assert.Equal("a1 NOOP", Text(await reader.ReadLineAsync(64, LineTimeout)));

        // Half a line is not a command yet: the answer must be flushed now.
        Assert.False(reader.HasBufferedLine());
        await WriteAsync("OP\r\n");
        Assert.True(reader.HasBufferedLine());
        Assert.Equal("a2 NOOP", Text(await reader.ReadLineAsync(64, LineTimeout)));
        Assert.False(reader.HasBufferedLine());
    }

    [Fact]
    public async Task Overlong_line_reports_its_first_64_bytes_and_holds_no_more()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var read = reader.ReadLineAsync(1024, LineTimeout).AsTask();
        await WriteAsync("a17 APPEND INBOX " + new string('y', 3000));
        await WriteAsync(new string('z', 3000) + "\r\n");

        var result = await read.WaitAsync(Wait);
        Assert.Equal(LineReadStatus.TooLong, result.Status);
        Assert.Equal("a17 APPEND INBOX " + new string('y', 64 - 17), System.Text.Encoding.ASCII.GetString(result.Line.Span));
    }

    [Fact]
    public async Task Overlong_line_is_reported_once_and_the_next_line_is_read()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var read = reader.ReadLineAsync(1024, LineTimeout).AsTask();
        for (int i = 0; i < 100; i++)
        {
            await WriteAsync(new string('x', 4096));
            Assert.False(read.IsCompleted);
        }
        await WriteAsync("\r\nnext\r\n");

        Assert.Equal(LineReadStatus.TooLong, (await read.WaitAsync(Wait)).Status);
        var next = await reader.ReadLineAsync(1024, LineTimeout);
        Assert.Equal((LineReadStatus.Line, "next"), (next.Status, Text(next)));
    }

    [Fact]
    public async Task Silent_client_times_out_when_the_line_deadline_passes()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();

        _clock.Advance(LineTimeout - TimeSpan.FromMilliseconds(1));
        Assert.False(read.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
    }

    [Fact]
    public async Task Trickling_bytes_do_not_extend_the_line_deadline()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();

        for (int i = 0; i < 4; i++)
        {
            await WriteAsync("x");
            _clock.Advance(TimeSpan.FromSeconds(2));
            Assert.False(read.IsCompleted);
        }
        await WriteAsync("x");
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
    }

    [Fact]
    public async Task Each_line_gets_its_own_deadline()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var first = reader.ReadLineAsync(64, LineTimeout).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(9));
        await WriteAsync("one\r\n");
        Assert.Equal(LineReadStatus.Line, (await first.WaitAsync(Wait)).Status);

        var second = reader.ReadLineAsync(64, LineTimeout).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(second.IsCompleted);
        await WriteAsync("two\r\n");

        Assert.Equal("two", Text(await second.WaitAsync(Wait)));
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public async Task A_wake_up_before_the_deadline_is_not_a_timeout()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();

        _clock.Advance(TimeSpan.FromSeconds(3));
        _pipe.Reader.CancelPendingRead(); // as a timer of an earlier line firing late would
        Assert.False(read.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
    }

    [Fact]
    public async Task Client_closing_reports_Closed_and_drops_a_partial_line()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync("last\r\npartial");
        await _pipe.Writer.CompleteAsync();

        Assert.Equal("last", Text(await reader.ReadLineAsync(64, LineTimeout)));
        Assert.Equal(LineReadStatus.Closed, (await reader.ReadLineAsync(64, LineTimeout)).Status);
    }

    [Fact]
    public async Task Cancellation_token_cancels_a_waiting_read()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        using var stopping = new CancellationTokenSource();
        var read = reader.ReadLineAsync(64, LineTimeout, stopping.Token).AsTask();

        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(Wait));
    }

    [Fact]
    public async Task CopyBytes_reads_exactly_the_count_and_leaves_the_rest_for_lines()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync("A1 APPEND INBOX {10}\r\n01234");
        Assert.Equal("A1 APPEND INBOX {10}", Text(await reader.ReadLineAsync(64, LineTimeout)));
        using var body = new MemoryStream();

        var copy = reader.CopyBytesAsync(10, body, LineTimeout).AsTask();
        await WriteAsync("56789 rest\r\n");

        Assert.Equal(CopyStatus.Completed, await copy.WaitAsync(Wait));
        Assert.Equal("0123456789", Encoding.ASCII.GetString(body.ToArray()));
        Assert.Equal(" rest", Text(await reader.ReadLineAsync(64, LineTimeout)));
    }

    [Fact]
    public async Task CopyBytes_without_destination_discards_the_bytes()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync(new string('z', 20_000) + "after\r\n");

        Assert.Equal(CopyStatus.Completed, await reader.CopyBytesAsync(20_000, null, LineTimeout));
        Assert.Equal("after", Text(await reader.ReadLineAsync(64, LineTimeout)));
    }

    [Fact]
    public async Task CopyBytes_reports_Closed_when_the_client_leaves_early()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        await WriteAsync("short");
        await _pipe.Writer.CompleteAsync();

        Assert.Equal(CopyStatus.Closed, await reader.CopyBytesAsync(100, Stream.Null, LineTimeout));
    }

    [Fact]
    public async Task CopyBytes_times_out_on_inactivity_but_not_while_bytes_keep_coming()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        var copy = reader.CopyBytesAsync(100, Stream.Null, LineTimeout).AsTask();

        for (int i = 0; i < 5; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(6));
            await WriteAsync("x");
            Assert.False(copy.IsCompleted);
        }
        _clock.Advance(LineTimeout);

        Assert.Equal(CopyStatus.TimedOut, await copy.WaitAsync(Wait));
    }

    [Fact]
    public async Task A_line_dribbled_a_byte_at_a_time_ends_at_the_phase_deadline()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(60));

        // Each byte comes well inside the 10 s line timeout, and each line is new; only the deadline can end this.
        var elapsed = TimeSpan.Zero;
        LineReadResult result = default;
        while (elapsed < TimeSpan.FromSeconds(60))
        {
            var read = reader.ReadLineAsync(64, LineTimeout).AsTask();
            for (int i = 0; i < 5 && !read.IsCompleted; i++)
            {
                await WriteAsync("x");
                _clock.Advance(TimeSpan.FromSeconds(1));
                elapsed += TimeSpan.FromSeconds(1);
            }
            if (!read.IsCompleted)
            {
                await WriteAsync("\r\n");
            }
            result = await read.WaitAsync(Wait);
            if (result.Status != LineReadStatus.Line)
            {
                break;
            }
            Assert.True(elapsed < TimeSpan.FromSeconds(60), $"a line was read at {elapsed}");
        }

        Assert.Equal(LineReadStatus.TimedOut, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), elapsed);
        Assert.True(reader.DeadlinePassed);
    }

    [Fact]
    public async Task The_deadline_cuts_a_wait_shorter_than_the_line_timeout_to_the_second()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(4));
        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();

        await WriteAsync("a1 LOG");
        _clock.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromTicks(1));
        Assert.False(read.IsCompleted);
        Assert.False(reader.DeadlinePassed);
        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
        Assert.True(reader.DeadlinePassed);
    }

    [Fact]
    public async Task A_read_after_the_deadline_times_out_even_with_a_line_buffered()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(5));
        _clock.Advance(TimeSpan.FromSeconds(5));
        await WriteAsync("a1 NOOP\r\n");

        Assert.Equal(LineReadStatus.TimedOut, (await reader.ReadLineAsync(64, LineTimeout)).Status);
        Assert.Equal(CopyStatus.TimedOut, await reader.CopyBytesAsync(3, Stream.Null, LineTimeout));
    }

    [Fact]
    public async Task The_deadline_bounds_a_read_with_no_timeout_of_its_own()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromMinutes(30));
        var read = reader.ReadLineAsync(64, Timeout.InfiniteTimeSpan).AsTask();

        _clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
    }

    [Fact]
    public async Task The_deadline_clamps_a_byte_copy_that_keeps_making_progress()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(30));
        using var body = new MemoryStream();
        var copy = reader.CopyBytesAsync(1000, body, LineTimeout).AsTask();

        // A byte every 2 s restarts the 10 s inactivity timeout each time, and still the copy ends at 30 s.
        for (int i = 0; i < 14; i++)
        {
            await WriteAsync("x");
            _clock.Advance(TimeSpan.FromSeconds(2));
            Assert.False(copy.IsCompleted, $"ended at {2 * (i + 1)} s");
        }
        await WriteAsync("x");
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(CopyStatus.TimedOut, await copy.WaitAsync(Wait));
        Assert.True(reader.DeadlinePassed);
    }

    [Fact]
    public async Task The_deadline_ends_a_copy_whose_bytes_are_all_buffered_once_it_has_passed()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(30));
        var copy = reader.CopyBytesAsync(10, Stream.Null, Timeout.InfiniteTimeSpan).AsTask();
        await WriteAsync("01234");
        _clock.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(CopyStatus.TimedOut, await copy.WaitAsync(Wait));
    }

    [Fact]
    public async Task Clearing_the_deadline_restores_the_plain_read_timeout()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromSeconds(5));
        reader.ClearDeadline();

        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.False(read.IsCompleted);
        Assert.False(reader.DeadlinePassed);
        await WriteAsync("a1 NOOP\r\n");
        Assert.Equal("a1 NOOP", Text(await read.WaitAsync(Wait)));

        var copy = reader.CopyBytesAsync(2, Stream.Null, LineTimeout).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(9));
        await WriteAsync("x");
        _clock.Advance(TimeSpan.FromSeconds(9));
        await WriteAsync("y");
        Assert.Equal(CopyStatus.Completed, await copy.WaitAsync(Wait));

        var silent = reader.ReadLineAsync(64, LineTimeout).AsTask();
        _clock.Advance(LineTimeout - TimeSpan.FromTicks(1));
        Assert.False(silent.IsCompleted);
        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(LineReadStatus.TimedOut, (await silent.WaitAsync(Wait)).Status);
        Assert.False(reader.DeadlinePassed);
    }

    [Fact]
    public async Task A_plain_read_timeout_before_the_deadline_is_not_the_deadline()
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        reader.SetDeadline(TimeSpan.FromMinutes(1));
        var read = reader.ReadLineAsync(64, LineTimeout).AsTask();
        _clock.Advance(LineTimeout);

        Assert.Equal(LineReadStatus.TimedOut, (await read.WaitAsync(Wait)).Status);
        Assert.False(reader.DeadlinePassed);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(2 * 24 * 3600)]
    public void A_deadline_must_be_positive_and_within_a_day(int seconds)
    {
        using var reader = new LineReader(_pipe.Reader, _clock);
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.SetDeadline(TimeSpan.FromSeconds(seconds)));
    }

    private async Task WriteAsync(string text)
    {
        await _pipe.Writer.WriteAsync(Encoding.Latin1.GetBytes(text));
    }

    private static string Text(LineReadResult result)
    {
        Assert.Equal(LineReadStatus.Line, result.Status);
        return Encoding.Latin1.GetString(result.Line.Span);
    }
}
