using System.Diagnostics;
using System.Net.Sockets;
using EdgeMail.Net.Tests.Support;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests;

public sealed class MailListenerServiceShutdownTests
{
    [Fact]
    public async Task Stopping_lets_a_command_in_progress_finish_and_every_connection_say_goodbye()
    {
        var handler = new EchoHandler { WorkDuration = TimeSpan.FromMilliseconds(300) };
        var options = new NetOptions { DrainTimeout = TimeSpan.FromSeconds(5) };
        await using var listener = await TestListener.StartAsync(handler, options: options);
        await using var busy = await listener.ConnectAndGreetAsync();
        await using var idle = await listener.ConnectAndGreetAsync();
        await busy.SendAsync("WORK\r\n");
        await handler.WorkStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();

        var stop = listener.Service.StopAsync(CancellationToken.None);

        Assert.Equal(["BYE shutting down"], await idle.ReadUntilClosedAsync());
        Assert.Equal(["DONE", "BYE shutting down"], await busy.ReadUntilClosedAsync());
        await stop.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"stop took {watch.Elapsed}");
        await Assert.ThrowsAsync<SocketException>(() => listener.ConnectAsync());
        Assert.DoesNotContain(listener.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Stop_completes_at_the_drain_timeout_when_a_client_never_finishes_its_command()
    {
        var handler = new EchoHandler();
        var options = new NetOptions { DrainTimeout = TimeSpan.FromMilliseconds(300) };
        await using var listener = await TestListener.StartAsync(handler, options: options);
        await using var client = await listener.ConnectAndGreetAsync();
        await client.SendAsync("HANG\r\n");
        await handler.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();

        await listener.Service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Empty(await client.ReadUntilClosedAsync());
        Assert.Contains(listener.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("aborting", StringComparison.Ordinal));
        Assert.DoesNotContain(listener.Entries, e => e.Level == LogLevel.Error);
    }

    [Fact]
    public async Task Stop_does_not_wait_for_a_handler_stuck_outside_the_connection()
    {
        var handler = new EchoHandler();
        var options = new NetOptions { DrainTimeout = TimeSpan.FromMilliseconds(200) };
        await using var listener = await TestListener.StartAsync(handler, options: options);
        await using var client = await listener.ConnectAndGreetAsync();
        await client.SendAsync("STUCK\r\n");
        await handler.HangStarted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();
        try
        {
            await listener.Service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

            // Drain timeout, then one second for handlers to unwind once their sockets are closed.
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(1100), TimeSpan.FromSeconds(4));
            Assert.Contains(listener.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("did not end", StringComparison.Ordinal));
        }
        finally
        {
            handler.ReleaseStuck();
        }
    }

    [Fact]
    public async Task Host_stopping_notice_begins_the_drain_before_StopAsync()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler());
        await using var idle = await listener.ConnectAndGreetAsync();

        await ((IHostedLifecycleService)listener.Service).StoppingAsync(CancellationToken.None);

        Assert.Equal(["BYE shutting down"], await idle.ReadUntilClosedAsync());
        await Assert.ThrowsAsync<SocketException>(() => listener.ConnectAsync());
    }
}
