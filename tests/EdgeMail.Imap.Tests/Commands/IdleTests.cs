using EdgeMail.Testing;

namespace EdgeMail.Imap.Tests.Commands;

// RFC 2177 IDLE and the autologout timer it renews (RFC 9051 §5.4), on a manual clock.
public sealed class IdleTests
{
    [Fact]
    public async Task Idle_renews_the_autologout_timer_and_ends_with_bye_when_it_runs_out()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var server = ImapServer.WithClock(clock);
        await server.InitializeAsync();
        try
        {
            await using var client = await Transcript.ConnectAsync(server);
            Assert.StartsWith("s OK", (await client.CommandAsync("s SELECT INBOX"))[^1]);
            // A minute later, so that IDLE's timer (due a full timeout from now) differs from the command read's.
            clock.Advance(TimeSpan.FromMinutes(1));
            await client.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await client.ReadLineAsync());
            await WaitForTimerAsync(clock, server.Options.IdleTimeout);

            // Still idling a minute short of the timeout: DONE gets its tagged OK.
            clock.Advance(server.Options.IdleTimeout - TimeSpan.FromMinutes(1));
            await client.SendAsync("DONE\r\n");
            Assert.Equal(["i OK IDLE terminated"], await client.ReadUntilTaggedAsync("i"));

            // A second IDLE starts the timer again from its own start.
            clock.Advance(TimeSpan.FromMinutes(1));
            await client.SendAsync("j IDLE\r\n");
            Assert.StartsWith("+ ", await client.ReadLineAsync());
            await WaitForTimerAsync(clock, server.Options.IdleTimeout);
            clock.Advance(server.Options.IdleTimeout + TimeSpan.FromSeconds(1));
            Assert.Equal("* BYE autologout: idle for too long", await client.ReadLineAsync());
            Assert.True(await client.IsClosedAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sessions_idling_from_different_times_are_logged_out_each_at_its_own_deadline()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var server = ImapServer.WithClock(clock);
        await server.InitializeAsync();
        try
        {
            await using var first = await Transcript.ConnectAsync(server);
            await using var second = await Transcript.ConnectAsync(server);
            await using var third = await Transcript.ConnectAsync(server);
            // The second and third idle on a mailbox of their own, where a delivery is the marker that they idle.
            Assert.StartsWith("c OK", (await first.CommandAsync("c CREATE Marker"))[^1]);
            Assert.StartsWith("s OK", (await first.CommandAsync("s SELECT INBOX"))[^1]);
            foreach (var client in new[] { second, third })
            {
                Assert.StartsWith("s OK", (await client.CommandAsync("s SELECT Marker"))[^1]);
            }

            clock.Advance(TimeSpan.FromMinutes(1));
            await first.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await first.ReadLineAsync());
            await WaitForTimerAsync(clock, server.Options.IdleTimeout);
            clock.Advance(TimeSpan.FromMinutes(5));
            await second.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await second.ReadLineAsync());
            await third.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await third.ReadLineAsync());

            // Each session's deadline starts when its IDLE wait does, just after the "+"; a change is sent only
            // from that wait, so an EXISTS after the "+" shows the deadline is set before the clock moves.
            var marker = await server.Server.MailboxAsync(ImapServer.User, "Marker");
            await server.Server.DeliverAsync(marker.Id, "Subject: marker\r\n\r\nmarker\r\n"u8.ToArray());
            foreach (var client in new[] { second, third })
            {
                Assert.Equal("* 1 EXISTS", await client.ReadLineAsync());
                Assert.Matches("^\\* [01] RECENT$", await client.ReadLineAsync());
            }

            // The first one's deadline: only it goes. The third leaves IDLE before the second's deadline.
            clock.Advance(server.Options.IdleTimeout - TimeSpan.FromMinutes(5));
            Assert.Equal("* BYE autologout: idle for too long", await first.ReadLineAsync());
            await third.SendAsync("DONE\r\n");
            Assert.Equal(["i OK IDLE terminated"], await third.ReadUntilTaggedAsync("i"));
            clock.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal("* BYE autologout: idle for too long", await second.ReadLineAsync());
            Assert.True(await first.IsClosedAsync());
            Assert.True(await second.IsClosedAsync());
            Assert.StartsWith("n OK", (await third.CommandAsync("n NOOP"))[^1]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_line_other_than_done_ends_idle_with_bad_and_the_session_goes_on()
    {
        var server = new ImapServer();
        await server.InitializeAsync();
        try
        {
            await using var client = await Transcript.ConnectAsync(server);
            Assert.StartsWith("s OK", (await client.CommandAsync("s SELECT INBOX"))[^1]);
            await client.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await client.ReadLineAsync());
            await client.SendAsync("x NOOP\r\n");
            Assert.StartsWith("i BAD", (await client.ReadUntilTaggedAsync("i"))[^1]);
            Assert.StartsWith("n OK", (await client.CommandAsync("n NOOP"))[^1]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Shutdown_ends_idle_with_bye_over_plain_and_tls()
    {
        var server = new ImapServer();
        await server.InitializeAsync();
        Transcript? plain = null;
        Task? stopping = null;
        try
        {
            plain = await Transcript.ConnectAsync(server);
            Assert.StartsWith("s OK", (await plain.CommandAsync("s SELECT INBOX"))[^1]);
            await plain.SendAsync("i IDLE\r\n");
            Assert.StartsWith("+ ", await plain.ReadLineAsync());

            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, server.TlsPort);
            await using var tls = new System.Net.Security.SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync("localhost");
            using var reader = new StreamReader(tls, System.Text.Encoding.ASCII);
            async Task SendAsync(string line)
            {
                await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(line + "\r\n"));
                await tls.FlushAsync();
            }

            async Task<string> ReadTaggedAsync(string tag)
            {
                while (true)
                {
                    var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) ?? throw new IOException("closed");
                    if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                    {
                        return line;
                    }
                }
            }

            Assert.StartsWith("* OK", await reader.ReadLineAsync());
            await SendAsync($"a LOGIN \"{ImapServer.User}\" \"{ImapServer.Password}\"");
            Assert.StartsWith("a OK", await ReadTaggedAsync("a"));
            await SendAsync("s SELECT INBOX");
            Assert.StartsWith("s OK", await ReadTaggedAsync("s"));
            await SendAsync("i IDLE");
            Assert.StartsWith("+ ", await reader.ReadLineAsync());

            // A delivery is sent only from the IDLE wait: once both sessions show it, both wait there.
            var inbox = await server.Server.MailboxAsync(ImapServer.User);
            await server.Server.DeliverAsync(inbox.Id, "Subject: marker\r\n\r\nmarker\r\n"u8.ToArray());
            Assert.Equal("* 1 EXISTS", await plain.ReadLineAsync());
            Assert.Matches("^\\* [01] RECENT$", await plain.ReadLineAsync());
            Assert.Equal("* 1 EXISTS", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Matches("^\\* [01] RECENT$", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));

            // RFC 9051 §7.1.5: BYE before closing, to clients waiting in IDLE as to any other.
            stopping = server.DisposeAsync();
            Assert.Equal("* BYE [UNAVAILABLE] EdgeMail is shutting down", await plain.ReadLineAsync());
            Assert.Equal("* BYE [UNAVAILABLE] EdgeMail is shutting down", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (plain is not null)
            {
                await plain.DisposeAsync();
            }

            await (stopping ?? server.DisposeAsync());
        }
    }

    // IDLE arms its timer just after the "+" reaches the client; the clock must not move before that.
    private static Task WaitForTimerAsync(ManualTimeProvider clock, TimeSpan timeout)
    {
        var due = clock.GetUtcNow() + timeout;
        return Eventually.TrueAsync(() => clock.HasTimerDueAt(due), "IDLE to arm its autologout timer", TimeSpan.FromSeconds(5));
    }
}
