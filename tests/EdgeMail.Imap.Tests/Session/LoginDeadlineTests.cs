using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// Imap:LoginDeadline: before login the connection has 60 s in all from the greeting, which bytes dribbled in
/// (lines, literals, AUTHENTICATE answers) cannot extend; then <c>* BYE</c> (RFC 9051 §7.1.5). Stepped with a manual
/// clock over loopback.
/// </summary>
public sealed class LoginDeadlineTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    private readonly ManualTimeProvider _time = new();
    private ImapServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = ImapServer.WithClock(_time);
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_dribbling_commands_before_login_gets_BYE_exactly_at_the_deadline()
    {
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.91", _server.Port);
        Assert.StartsWith("* OK", await client.ReadLineAsync());
        var deadline = _time.GetUtcNow() + _server.Options.LoginDeadline;

        // "a1 NOOP" a byte every 5 s is answered (each line well inside Imap:UnauthenticatedTimeout) ...
        await DribbleAsync(client, "a1 NOOP\r\n");
        Assert.StartsWith("a1 OK", await client.ReadLineAsync());

        // ... and the next line, begun at 45 s, is cut off at 60 s: its own timeout would run to 1:45.
        await DribbleAsync(client, "a2");
        Assert.Equal(deadline - Step, _time.GetUtcNow());
        await Eventually.TrueAsync(() => _time.HasTimerDueAt(deadline), "a read timer due at the login deadline");
        Assert.False(client.HasUnreadBytes);
        _time.Advance(Step);

        Assert.Equal("* BYE autologout: no login within 00:01:00", await client.ReadLineAsync());
        Assert.True(await client.ClosesAsync());
        await Eventually.TrueAsync(() => DeadlineLogLines() == 1, "one log line for the deadline");
    }

    [Fact]
    public async Task A_literal_dribbled_before_login_ends_at_the_deadline()
    {
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.92", _server.Port);
        Assert.StartsWith("* OK", await client.ReadLineAsync());
        var deadline = _time.GetUtcNow() + _server.Options.LoginDeadline;

        await client.SendAsync("a1 LOGIN {40}");
        Assert.StartsWith("+", await client.ReadLineAsync());
        // Each byte restarts the literal's 5-minute inactivity timeout; the deadline does not move.
        await DribbleAsync(client, new string('x', 11));
        await Eventually.TrueAsync(() => _time.HasTimerDueAt(deadline), "a read timer due at the login deadline");
        _time.Advance(Step);

        Assert.Equal("* BYE autologout: no login within 00:01:00", await client.ReadLineAsync());
        Assert.True(await client.ClosesAsync());
    }

    [Fact]
    public async Task An_AUTHENTICATE_exchange_left_open_ends_with_BYE_at_the_deadline()
    {
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.93", _server.Port);
        Assert.StartsWith("* OK", await client.ReadLineAsync());
        var deadline = _time.GetUtcNow() + _server.Options.LoginDeadline;
        _time.Advance(TimeSpan.FromSeconds(50));

        await client.SendAsync("a1 AUTHENTICATE PLAIN");
        Assert.StartsWith("+", await client.ReadLineAsync());
        await Eventually.TrueAsync(() => _time.HasTimerDueAt(deadline), "a read timer due at the login deadline");
        _time.Advance(TimeSpan.FromSeconds(10));

        // No tagged reply follows a BYE.
        Assert.Equal("* BYE autologout: no login within 00:01:00", await client.ReadLineAsync());
        Assert.Null(await client.ReadLineAsync());
    }

    [Fact]
    public async Task A_client_that_logs_in_in_time_keeps_its_session_past_the_old_deadline()
    {
        await using var client = await LoopbackClient.ConnectAsync("127.0.0.94", _server.Port);
        Assert.StartsWith("* OK", await client.ReadLineAsync());
        _time.Advance(TimeSpan.FromSeconds(55));
        Assert.StartsWith("a1 OK", await client.ImapAsync($"LOGIN \"{ImapServer.User}\" \"{ImapServer.Password}\""));

        // Well past the old deadline and inside Imap:IdleTimeout, the session still works.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.StartsWith("a2 OK", await client.ImapAsync("SELECT INBOX"));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.StartsWith("a3 OK", await client.ImapAsync("NOOP"));
        Assert.Equal(0, DeadlineLogLines());
    }

    [Fact]
    public void The_default_is_60_seconds_and_the_validator_names_the_key()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), new ImapOptions().LoginDeadline);
        Assert.True(new ImapOptionsValidator().Validate(null, new ImapOptions()).Succeeded);

        var result = new ImapOptionsValidator().Validate(null, new ImapOptions { LoginDeadline = TimeSpan.FromSeconds(1) });
        Assert.True(result.Failed);
        Assert.Contains("Imap:LoginDeadline", result.FailureMessage, StringComparison.Ordinal);
    }

    // Sends the text a byte at a time, the clock stepping 5 s after each byte.
    private async Task DribbleAsync(LoopbackClient client, string text)
    {
        foreach (var c in text)
        {
            await client.SendRawAsync(c.ToString());
            _time.Advance(Step);
        }
    }

    private int DeadlineLogLines() =>
        _server.Server.Logs.Entries.Count(e => e.Level == LogLevel.Information && e.Message.Contains("Imap:LoginDeadline", StringComparison.Ordinal));
}
