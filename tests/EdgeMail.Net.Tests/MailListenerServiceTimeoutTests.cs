using System.Diagnostics;
using EdgeMail.Net.Tests.Support;

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
}
