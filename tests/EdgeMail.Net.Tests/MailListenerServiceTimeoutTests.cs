using System.Diagnostics;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Net.Tests;

// Real sockets and real time, with margins wide enough for a loaded two-core machine (and for the test host, which
// was seen holding up every timer for up to a second): a timeout of a few hundred milliseconds must fire, neither
// early nor never.
public sealed class MailListenerServiceTimeoutTests
{
    [Fact]
    public async Task Silent_client_is_told_goodbye_after_the_idle_timeout()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var client = await listener.ConnectAndGreetAsync();
        var watch = Stopwatch.StartNew();

        Assert.Equal(["BYE idle timeout"], await client.ReadUntilClosedAsync());

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Trickling_client_is_cut_off_at_the_line_deadline_although_bytes_keep_arriving()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        await using var client = await listener.ConnectAndGreetAsync();
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var trickle = Task.Run(async () =>
        {
            // One byte every 50 ms: each read is quick, the line never ends.
            while (!stop.IsCancellationRequested && watch.Elapsed < TimeSpan.FromSeconds(6))
            {
                try
                {
                    await client.SendAsync("x");

                    // Kept: a slow client pacing its own writes, in the real time this file is about.
                    await Task.Delay(50, stop.Token);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException)
                {
                    return;
                }
            }
        });

        var reply = await client.ReadLineAsync(TimeSpan.FromSeconds(5));
        var elapsed = watch.Elapsed;
        await stop.CancelAsync();
        await trickle;

        Assert.Equal("BYE idle timeout", reply);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Client_that_keeps_sending_whole_lines_outlives_the_timeout_of_one_line()
    {
        // 16 lines 150 ms apart outlast the 2 s timeout; each line comes well within it.
        await using var listener = await TestListener.StartAsync(new EchoHandler { IdleTimeout = TimeSpan.FromSeconds(2) });
        await using var client = await listener.ConnectAndGreetAsync();
        var watch = Stopwatch.StartNew();

        for (int i = 0; i < 16; i++)
        {
            // Kept: the client paces its own lines in real time, to outlast the server's timeout in total.
            await Task.Delay(150);
            await client.SendAsync($"N{i}\r\n");
            await client.ExpectLineAsync($"ECHO N{i}");
        }

        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Client_that_never_reads_is_dropped_after_the_send_timeout()
    {
        var options = new NetOptions { SendTimeout = TimeSpan.FromMilliseconds(500) };
        await using var listener = await TestListener.StartAsync(new EchoHandler { MaxLineBytes = 4096 }, options: options);
        using var client = await NonReadingClient.ConnectAsync("127.0.0.1", listener.EndPoint.Port);

        // Every line is echoed; the echoes back up in the kernel's buffers, and then the server's write waits.
        var outcome = await client.FloodAsync("", string.Concat(Enumerable.Repeat(new string('x', 1000) + "\r\n", 100)), TimeSpan.FromSeconds(20));

        Assert.True(outcome.Dropped, $"still connected after {outcome.Elapsed}");
        Assert.True(outcome.StalledFor >= TimeSpan.FromMilliseconds(250), $"dropped after a stall of only {outcome.StalledFor}");
        await Eventually.TrueAsync(() => listener.Service.ConnectionCount == 0, "the dropped connection's slot released");
        Assert.Contains(listener.Entries, e => e.Message.Contains("the client took no data for 00:00:00.5000000", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_that_pauses_reading_for_less_than_the_send_timeout_is_not_dropped()
    {
        // It stops reading for 200 ms at a time and then takes everything there is, so each write of the server waits
        // at most about 200 ms, under the 500 ms send timeout. (A client must take half of what the kernel queued
        // to wake a waiting write: Linux's sk_stream_write_space.)
        var options = new NetOptions { SendTimeout = TimeSpan.FromMilliseconds(500) };
        await using var listener = await TestListener.StartAsync(new EchoHandler { MaxLineBytes = 4096 }, options: options);
        await using var client = await listener.ConnectAndGreetAsync();
        var lines = string.Concat(Enumerable.Repeat(new string('y', 1000) + "\r\n", 100));
        var watch = Stopwatch.StartNew();
        var sending = Task.Run(async () =>
        {
            while (watch.Elapsed < TimeSpan.FromSeconds(3))
            {
                await client.SendAsync(lines);
            }
        });
        var buffer = new byte[64 * 1024];
        long read = 0;
        while (!sending.IsCompleted)
        {
            // Kept: the client's own pauses, on the real clock the server's timer runs on.
            await Task.Delay(200);
            do
            {
                var n = await client.Socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None);
                Assert.True(n > 0, $"closed after {read} bytes and {watch.Elapsed}");
                read += n;
            }
            while (client.Socket.Available > 0);
        }

        await sending;
        Assert.True(read > 1024 * 1024, $"only {read} bytes echoed");
        Assert.Equal(1, listener.Service.ConnectionCount);
        Assert.DoesNotContain(listener.Entries, e => e.Message.Contains("took no data", StringComparison.Ordinal));
    }
}
