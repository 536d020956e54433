using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>RFC 5321 §4.5.3.2 timeouts, stepped with a manual clock.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task Idle_client_gets_421_4_4_2_after_the_command_timeout()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { CommandTimeout = TimeSpan.FromMinutes(5) }, time: time);
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await Eventually.TrueAsync(() => Task.FromResult(time.PendingTimers > 0), "the command timer");

        time.Advance(TimeSpan.FromMinutes(4));
        await c.ExpectAsync("NOOP", "250 *"); // not yet
        await Eventually.TrueAsync(() => Task.FromResult(time.PendingTimers > 0), "the command timer again");
        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        await c.ExpectAsync("421 4.4.2 *");
        Assert.True(await c.ClosedAsync());
    }

    [Fact]
    public async Task Stalled_DATA_gets_421_after_the_data_block_timeout_and_nothing_is_kept()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { DataBlockTimeout = TimeSpan.FromMinutes(3) }, time: time);
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        await c.OpenTransactionAsync("x", "a@b.test", "alice@edgemail.local");
        await c.ExpectAsync("DATA", "354 *");
        await c.SendAsync("Subject: stalled\r\n\r\npart");
        // The clock has not moved, so the data timer is the one due a data block timeout from now (the command
        // timer would be due at five minutes): once it is armed, one step past it must end the transaction.
        var due = time.GetUtcNow() + TimeSpan.FromMinutes(3);
        await Eventually.TrueAsync(() => time.HasTimerDueAt(due), "the data timer");
        time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        await c.ExpectAsync("421 4.4.2 *");
        Assert.Empty(await server.InboxAsync("alice"));
    }
}
