using System.Text;
using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>
/// Whole-phase deadlines that dribbled bytes cannot extend: Smtp:AuthDeadline on submission (60 s from the greeting
/// to AUTH) and Smtp:SessionDeadline on intake (30 minutes in all, beside RFC 5321 §4.5.3.2's per-command timeouts).
/// Both end with 421 4.4.2 in Postfix's words. Stepped with a manual clock.
/// </summary>
public sealed class DeadlineTests
{
    private const string DeadlineReply = "421 4.4.2 mx.test Error: timeout exceeded";

    [Fact]
    public async Task Submission_client_dribbling_before_AUTH_gets_421_exactly_at_the_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await using var c = await SmtpTranscript.ConnectAsync(server.SubmissionPort);
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(1);

        // EHLO a byte every 5 s is answered (each line well inside Smtp:CommandTimeout) ...
        await DribbleAsync(c, time, TimeSpan.FromSeconds(5), "EHLO x\r\n");
        await c.ExpectAsync("250 *");

        // ... and the next line, begun at 40 s, is cut off at 60 s: its own timeout would run to 5:40.
        await DribbleAsync(c, time, TimeSpan.FromSeconds(5), "AU");
        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the AUTH deadline");
        time.Advance(deadline - time.GetUtcNow());

        Assert.Equal(DeadlineReply, await c.ReadReplyAsync());
        Assert.True(await c.ClosedAsync());
        await Eventually.TrueAsync(() => DeadlineLogLines(server, "Smtp:AuthDeadline") == 1, "one log line for the deadline");
    }

    [Fact]
    public async Task Submission_client_that_authenticates_in_time_keeps_its_session_past_the_old_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.SubmissionPort);
        await c.ExpectAsync("EHLO x", "250 *");
        time.Advance(TimeSpan.FromSeconds(55));
        await c.ExpectAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice@{SmtpServer.Domain}\0{SmtpServer.Password}")), "235 *");

        // Past the old deadline, each command inside Smtp:CommandTimeout still works, and mail can be sent.
        time.Advance(TimeSpan.FromMinutes(4));
        await c.ExpectAsync("NOOP", "250 *");
        time.Advance(TimeSpan.FromMinutes(4));
        await c.ExpectAsync($"MAIL FROM:<alice@{SmtpServer.Domain}>", "250 *");
        Assert.Equal(0, DeadlineLogLines(server, "Smtp:AuthDeadline"));
    }

    [Fact]
    public async Task Intake_session_of_prompt_commands_is_capped_exactly_at_the_session_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(30);
        await c.ExpectAsync("EHLO x", "250 *");

        // A command every 4 minutes never meets the 5-minute command timeout; the session cap still ends it.
        while (time.GetUtcNow() + TimeSpan.FromMinutes(4) < deadline)
        {
            time.Advance(TimeSpan.FromMinutes(4));
            await c.ExpectAsync("NOOP", "250 *");
        }

        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the session deadline");
        time.Advance(deadline - time.GetUtcNow());

        Assert.Equal(DeadlineReply, await c.ReadReplyAsync());
        Assert.True(await c.ClosedAsync());
        await Eventually.TrueAsync(() => DeadlineLogLines(server, "Smtp:SessionDeadline") == 1, "one log line for the deadline");
    }

    [Fact]
    public async Task Intake_DATA_dribbled_across_the_session_deadline_gets_421_and_nothing_is_kept()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(30);
        await c.OpenTransactionAsync("x", "a@b.test", $"alice@{SmtpServer.Domain}");
        await c.ExpectAsync("DATA", "354 *");
        await c.SendAsync("Subject: slow\r\n\r\n");

        // A line every 2 minutes restarts the 3-minute data block timeout each time. The clock moves on only once the
        // server has taken the line and waits for the next one (its timer due a data block timeout from now, or at
        // the deadline once that is nearer).
        while (true)
        {
            await c.SendAsync("line\r\n");
            var due = Earlier(time.GetUtcNow() + TimeSpan.FromMinutes(3), deadline);
            await Eventually.TrueAsync(() => time.HasTimerDueAt(due), "the server waiting for the next line");
            if (time.GetUtcNow() + TimeSpan.FromMinutes(2) >= deadline)
            {
                break;
            }

            time.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.Equal(deadline - TimeSpan.FromMinutes(2), time.GetUtcNow());
        Assert.False(time.HasTimerDueAt(deadline - TimeSpan.FromMinutes(2) + TimeSpan.FromMinutes(3)));
        time.Advance(deadline - time.GetUtcNow());

        Assert.Equal(DeadlineReply, await c.ReadReplyAsync());
        Assert.True(await c.ClosedAsync());
        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task Intake_BDAT_chunk_dribbled_across_the_session_deadline_gets_421()
    {
        // A data block timeout of a day: only the session cap can end the chunk. (That progress restarts the
        // inactivity timeout while the deadline still holds is LineReader's test; over a socket it has no sync point.)
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(new SmtpOptions { HostName = "mx.test", DataBlockTimeout = TimeSpan.FromDays(1) }, time: time);
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(30);
        await c.OpenTransactionAsync("x", "a@b.test", $"alice@{SmtpServer.Domain}");
        await c.SendAsync("BDAT 1000 LAST\r\n");
        // The chunk's wait is due at the deadline, not a day from now: the server took the command and copies.
        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "the chunk's wait, clamped to the session deadline");

        // A byte every 2 minutes, the chunk never complete.
        while (time.GetUtcNow() + TimeSpan.FromMinutes(2) < deadline)
        {
            await c.SendAsync("x");
            time.Advance(TimeSpan.FromMinutes(2));
        }

        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the session deadline");
        time.Advance(deadline - time.GetUtcNow());

        Assert.Equal(DeadlineReply, await c.ReadReplyAsync());
        Assert.True(await c.ClosedAsync());
        Assert.Empty(await server.InboxAsync("alice"));
    }

    [Fact]
    public async Task AUTH_on_intake_does_not_lift_the_session_deadline()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await server.AddUserAsync("alice");
        await using var c = await SmtpTranscript.ConnectAsync(server.Port);
        var deadline = time.GetUtcNow() + TimeSpan.FromMinutes(30);
        await c.ExpectAsync("EHLO x", "250 *");
        await c.ExpectAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice@{SmtpServer.Domain}\0{SmtpServer.Password}")), "235 *");
        for (var i = 0; i < 7; i++)
        {
            time.Advance(TimeSpan.FromMinutes(4));
            await c.ExpectAsync("NOOP", "250 *");
        }

        await Eventually.TrueAsync(() => time.HasTimerDueAt(deadline), "a read timer due at the session deadline");
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(DeadlineReply, await c.ReadReplyAsync());
    }

    [Fact]
    public void The_defaults_are_60_seconds_and_30_minutes_and_the_validator_names_the_keys()
    {
        var defaults = new SmtpOptions();
        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30)), (defaults.AuthDeadline, defaults.SessionDeadline));
        Assert.Null(SmtpOptionsValidator.FirstProblem(defaults));

        Assert.StartsWith("Smtp:AuthDeadline ", SmtpOptionsValidator.FirstProblem(new SmtpOptions { AuthDeadline = TimeSpan.Zero }), StringComparison.Ordinal);
        Assert.StartsWith("Smtp:SessionDeadline ", SmtpOptionsValidator.FirstProblem(new SmtpOptions { SessionDeadline = TimeSpan.FromMinutes(1) }), StringComparison.Ordinal);
    }

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static async Task DribbleAsync(SmtpTranscript c, ManualTimeProvider time, TimeSpan step, string text)
    {
        foreach (var ch in text)
        {
            await c.SendAsync(ch.ToString());
            time.Advance(step);
        }
    }

    private static int DeadlineLogLines(SmtpServer server, string setting) =>
        server.Fixture.Logs.Entries.Count(e => e.Level == LogLevel.Information && e.Message.Contains(setting, StringComparison.Ordinal));
}
