using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Slowloris clients: one byte at a time, so that each line still arrives within its per-line timeout. Before a
/// login only the whole-phase deadlines end them (Imap:LoginDeadline, Smtp:AuthDeadline, both at their least, 10 s);
/// on the intake port, where no login comes, RFC 5321 §4.5.3.2's per-command timeout cuts a line that takes too
/// long. POP3's deadline cannot be shortened below RFC 1939 §3's 10 minutes, so it is not dribbled here (its
/// deadline is tested with a manual clock in EdgeMail.Pop3.Tests). Meanwhile the user is served.
/// </summary>
public sealed class DribblingClientTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync(
    [
        "Imap:LoginDeadline=00:00:10", "Imap:UnauthenticatedTimeout=00:00:05", "Smtp:AuthDeadline=00:00:10", "Smtp:CommandTimeout=00:00:05",
    ]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Dribbling_clients_are_closed_at_the_deadline_with_the_protocols_reply_while_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var limit = TimeSpan.FromSeconds(40);
        var interval = TimeSpan.FromMilliseconds(100);

        // Whole commands, each dribbled in under a second (well within the 5 s per-line timeouts) and answered.
        var imap = Dribbler.RunAsync("127.0.5.1", _server.Imap, "a1 NOOP\r\n", interval, limit);
        var submission = Dribbler.RunAsync("127.0.5.2", _server.Submission, "NOOP\r\n", interval, limit);

        // On the intake port: one HELO line at one byte per 400 ms would take 7.6 s, longer than the 5 s command timeout.
        var intake = Dribbler.RunAsync("127.0.5.3", _server.Smtp, "HELO slow.example\r\n", TimeSpan.FromMilliseconds(400), limit);
        var rounds = await user.WorkWhileAsync(Task.WhenAll(imap, submission, intake));

        var (imapLines, imapClosed, imapElapsed) = await imap;
        Assert.True(imapClosed, "the IMAP dribbler was never closed");
        Assert.Contains("a1 OK NOOP completed", imapLines);
        Assert.Matches(@"^\* BYE autologout: no login within 00:00:10", imapLines[^1]);
        Assert.InRange(imapElapsed, Deadline - TimeSpan.FromSeconds(1), limit);

        var (submissionLines, submissionClosed, submissionElapsed) = await submission;
        Assert.True(submissionClosed, "the submission dribbler was never closed");
        Assert.Contains(submissionLines, l => l.StartsWith("250 ", StringComparison.Ordinal));
        Assert.Matches(@"^421 4\.4\.2 .*timeout exceeded", submissionLines[^1]);
        Assert.InRange(submissionElapsed, Deadline - TimeSpan.FromSeconds(1), limit);

        var (intakeLines, intakeClosed, intakeElapsed) = await intake;
        Assert.True(intakeClosed, "the intake dribbler was never closed");
        Assert.Equal(2, intakeLines.Count);
        Assert.StartsWith("220 ", intakeLines[0]);
        Assert.Matches(@"^421 4\.4\.2 Timeout", intakeLines[1]);
        Assert.InRange(intakeElapsed, TimeSpan.FromSeconds(4), limit);

        Assert.True(rounds.Count >= 2);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }
}
