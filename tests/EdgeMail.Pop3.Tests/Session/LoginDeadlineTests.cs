using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3.Tests.Session;

/// <summary>
/// Pop3:LoginDeadline: before login the connection has 10 minutes in all from the greeting (RFC 1939 §3's least for
/// an autologout), which bytes dribbled in cannot extend; then <c>-ERR</c> and the close. Stepped with a manual clock.
/// </summary>
public sealed class LoginDeadlineTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_client_dribbling_commands_before_login_gets_ERR_exactly_at_the_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await Pop3Server.StartAsync(time: time);
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.95", server.Port);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(10);

        // CAPA a byte a minute is answered (each line well inside Pop3:IdleTimeout) ...
        await DribbleAsync(client, time, "CAPA\r\n");
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        while (await client.ReadLineAsync() is { } line && line != ".")
        {
        }

        // ... and the next line, begun at 6 minutes, is cut off at 10: its own timeout would run to 16.
        await DribbleAsync(client, time, "CAP");
        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the login deadline");
        Assert.False(client.HasUnreadBytes);
        time.Advance(Step);

        Assert.Equal("-ERR no login in time, closing", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
        await Eventually.TrueAsync(() => DeadlineLogLines(server) == 1, "one log line for the deadline");
    }

    [Fact]
    public async Task An_AUTH_exchange_left_open_ends_with_ERR_at_the_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await Pop3Server.StartAsync(time: time);
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.96", server.Port);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(10);
        time.Advance(TimeSpan.FromMinutes(9));

        await client.SendAsync("AUTH PLAIN");
        Assert.StartsWith("+", await client.ReadLineAsync());
        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the login deadline");
        time.Advance(Step);

        Assert.Equal("-ERR no login in time, closing", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_logs_in_in_time_keeps_its_session_past_the_old_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await Pop3Server.StartAsync(time: time);
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.97", server.Port);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        time.Advance(TimeSpan.FromMinutes(9));
        await client.SendAsync("USER " + Pop3Server.User);
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        await client.SendAsync("PASS " + Pop3Server.Password);
        Assert.StartsWith("+OK", await client.ReadLineAsync());

        // Past the old deadline, each command inside Pop3:IdleTimeout still works.
        time.Advance(TimeSpan.FromMinutes(9));
        await client.SendAsync("STAT");
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        time.Advance(TimeSpan.FromMinutes(9));
        await client.SendAsync("STAT");
        Assert.StartsWith("+OK", await client.ReadLineAsync());
        Assert.Equal(0, DeadlineLogLines(server));
    }

    private static async Task DribbleAsync(LoopbackClient client, ManualTimeProvider time, string text)
    {
        foreach (var c in text)
        {
            await client.SendRawAsync(c.ToString());
            time.Advance(Step);
        }
    }

    private static int DeadlineLogLines(Pop3Server server) =>
        server.Fixture.Logs.Entries.Count(e => e.Level == LogLevel.Information && e.Message.Contains("Pop3:LoginDeadline", StringComparison.Ordinal));
}
