using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Clients that pipeline commands and never read the answers: IMAP FETCH 1:* BODY[] over and over, an SMTP NOOP
/// flood, POP3 RETR over and over. The server must neither buffer the answers without bound nor wait for such a
/// client for ever: its writes back up, and after Network:SendTimeout without progress the connection is dropped.
/// </summary>
public sealed class NonReadingClientTests : IAsyncLifetime
{
    private const int Messages = 10;
    private const int MessageBytes = 100 * 1024;

    // What the server may grow by while three clients ask for gigabytes: a few writer buffers per session (the IMAP
    // writer flushes at 64 KiB, POP3 at its flush size, SMTP after each reply) and the collector's slack while the
    // user's client keeps working. The kernel's socket buffers, where the answers really wait, are not in RSS.
    private const long RssBound = 64L * 1024 * 1024;

    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync(["Network:SendTimeout=00:00:02"], withBob: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Clients_that_never_read_are_dropped_at_the_send_timeout_and_the_server_stays_small()
    {
        foreach (var account in new[] { HostileServer.Alice, HostileServer.Bob })
        {
            for (var i = 0; i < Messages; i++)
            {
                await LanMail.SendAsync(_server.Smtp, account, $"large {i}", new string('x', 75) + string.Concat(Enumerable.Repeat("\r\n" + new string('y', 98), MessageBytes / 100)));
            }
        }

        // The user (alice) holds her POP3 maildrop, so the POP3 attacker reads bob's.
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        await user.RoundAsync();
        var baseline = _server.ResidentBytes();
        var peak = baseline;
        var limit = TimeSpan.FromSeconds(40);

        using var imap = await NonReadingClient.ConnectAsync("127.0.6.1", _server.Imap);
        using var smtp = await NonReadingClient.ConnectAsync("127.0.6.2", _server.Smtp);
        using var pop3 = await NonReadingClient.ConnectAsync("127.0.6.3", _server.Pop3);
        var floods = Task.WhenAll(
            imap.FloodAsync($"a LOGIN {HostileServer.Alice} \"{HostileServer.Password}\"\r\nb SELECT INBOX\r\n", string.Concat(Enumerable.Repeat("f FETCH 1:* BODY[]\r\n", 50)), limit),
            smtp.FloodAsync("EHLO flood.example\r\n", string.Concat(Enumerable.Repeat("NOOP\r\n", 1000)), limit),
            pop3.FloodAsync($"USER {HostileServer.Bob}\r\nPASS {HostileServer.Password}\r\n", string.Concat(Enumerable.Repeat("RETR 1\r\n", 100)), limit));
        var sampling = Task.Run(async () =>
        {
            while (!floods.IsCompleted)
            {
                peak = Math.Max(peak, _server.ResidentBytes());

                // Kept: sampling the server's memory on the real clock while the attack runs.
                await Task.Delay(50);
            }
        });
        var rounds = await user.WorkWhileAsync(floods);
        await sampling;
        var outcomes = await floods;

        foreach (var (outcome, name) in outcomes.Zip(new[] { "IMAP", "SMTP", "POP3" }))
        {
            Assert.True(outcome.Dropped, $"{name}: the client that never reads was still connected after {outcome.Elapsed}");

            // Dropped for its stall, not for something it sent: its last send had been waiting about the timeout.
            Assert.True(outcome.StalledFor >= TimeSpan.FromSeconds(1), $"{name}: dropped after a stall of only {outcome.StalledFor}");
        }

        // The IMAP client alone asked for its command count times 1 MB of answers, far beyond the bound.
        var requested = outcomes[0].BytesSent / "f FETCH 1:* BODY[]\r\n".Length * (long)Messages * MessageBytes;
        Assert.True(requested > 16 * RssBound, $"the attack asked for only {requested} bytes");
        Assert.True(peak - baseline < RssBound, $"RSS grew from {baseline >> 20} MiB to {peak >> 20} MiB");
        Assert.True(rounds.Count >= 2);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);

        var log = await _server.StopAsync();
        Assert.Equal(3, log.Split('\n').Count(l => l.Contains("dropped: the client took no data for 00:00:02 (Network:SendTimeout)", StringComparison.Ordinal)));
    }
}
