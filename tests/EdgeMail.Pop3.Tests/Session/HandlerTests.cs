using System.Net;
using EdgeMail.Auth.Throttling;
using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Testing;
using MailKit.Security;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3.Tests.Session;

/// <summary>The handler over an in-memory connection: a remote address that is not loopback, a manual clock, shutdown.</summary>
public sealed class HandlerTests
{
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("192.0.2.10"), 40000);

    [Fact]
    public async Task Plaintext_logins_are_refused_and_not_advertised_outside_tls()
    {
        await using var server = await Pop3Server.StartAsync();
        var (client, run, _) = Start(server, Remote);
        await client.ExpectLineAsync("+OK");
        await client.ExpectAsync("CAPA", "+OK");
        var capa = await client.ReadMultiLineAsync();
        Assert.DoesNotContain("USER", capa);
        Assert.Contains("SASL SCRAM-SHA-256", capa);
        await client.ExpectAsync("USER " + Pop3Server.User, "-ERR [AUTH]");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "-ERR [AUTH]");
        await client.ExpectAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice@example.org\0x"u8), "-ERR [AUTH]");
        await client.ExpectAsync("AUTH LOGIN", "-ERR [AUTH]");
        await client.ExpectAsync("QUIT", "+OK");
        await run;
    }

    [Fact]
    public async Task Scram_sha_256_is_allowed_outside_tls()
    {
        await using var server = await Pop3Server.StartAsync();
        var (client, run, _) = Start(server, Remote);
        await client.ExpectLineAsync("+OK");
        var scram = new SaslMechanismScramSha256(new NetworkCredential(Pop3Server.User, Pop3Server.Password));
        await client.SendAsync("AUTH SCRAM-SHA-256 " + scram.Challenge(null));
        var challenge = await client.ExpectLineAsync("+ ");
        await client.SendAsync(scram.Challenge(challenge[2..]));
        var final = await client.ExpectLineAsync("+ ");
        Assert.Equal(string.Empty, scram.Challenge(final[2..]));
        Assert.True(scram.IsAuthenticated);
        await client.SendAsync("");
        await client.ExpectLineAsync("+OK maildrop has 0 messages");
        await client.ExpectAsync("QUIT", "+OK");
        await run;
    }

    [Fact]
    public async Task Idle_timeout_closes_without_a_response_and_without_update()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await Pop3Server.StartAsync(time: clock);
        await server.DeliverAsync(Pop3Server.Message("a"));

        // The fixture's own timers (certificate renewal, ...); the session's read deadline comes on top.
        var baseline = clock.PendingTimers;
        var (client, run, _) = Start(server, new IPEndPoint(IPAddress.Loopback, 1), clock);
        await client.ExpectLineAsync("+OK");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK");
        await client.ExpectAsync("DELE 1", "+OK");
        await WaitForReadDeadlineAsync(clock, baseline);

        // RFC 1939 §3: the timer is at least 10 minutes; a minute short of it, the session lives.
        clock.Advance(TimeSpan.FromMinutes(9));
        await client.ExpectAsync("NOOP", "+OK");
        await WaitForReadDeadlineAsync(clock, baseline);
        clock.Advance(TimeSpan.FromMinutes(10));
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        await client.Connection.DisposeAsync();
        Assert.Null(await client.ReadLineAsync());
        Assert.Single(await server.InboxAsync());
    }

    [Fact]
    public async Task Shutdown_says_goodbye_and_removes_nothing()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("a"));
        var (client, run, stopping) = Start(server, new IPEndPoint(IPAddress.Loopback, 1));
        await client.ExpectLineAsync("+OK");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK");
        await client.ExpectAsync("PASS " + Pop3Server.Password, "+OK");
        await client.ExpectAsync("DELE 1", "+OK");
        await stopping.CancelAsync();
        await client.ExpectLineAsync("-ERR [SYS/TEMP] server shutting down");
        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Single(await server.InboxAsync());
    }

    [Fact]
    public async Task Too_many_connections_gets_ERR_SYS_TEMP()
    {
        await using var server = await Pop3Server.StartAsync();
        var client = PipeClient.Create(Remote);
        var handler = Handler(server);
        await handler.RejectAsync(client.Connection, EdgeMail.Net.RejectReason.TooManyConnections, CancellationToken.None);
        await client.ExpectLineAsync("-ERR [SYS/TEMP]");
    }

    [Fact]
    public async Task Locked_out_logins_get_SYS_TEMP_and_are_closed()
    {
        var throttle = new LoginThrottleOptions { FreeFailures = 1, LockoutFailures = 2, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(1) };
        await using var server = await Pop3Server.StartAsync(throttle: throttle);
        await using (var client = await RawClient.ConnectAsync(server.Port))
        {
            await client.ExpectLineAsync("+OK*");
            for (var i = 0; i < 2; i++)
            {
                await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
                await client.ExpectAsync("PASS wrong " + i, "-ERR [AUTH]*");
            }

            // Locked: even the right password is not checked (RFC 3206 §4 SYS/TEMP: try later), and the connection ends.
            await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
            await client.ExpectAsync("PASS " + Pop3Server.Password, "-ERR [SYS/TEMP]*");
            Assert.True(await client.IsClosedAsync());
        }

        // The same over SASL, on a new connection.
        await using var again = await RawClient.ConnectAsync(server.Port);
        await again.ExpectLineAsync("+OK*");
        await again.ExpectAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice@example.org\0correct horse battery"u8), "-ERR [SYS/TEMP]*");
        Assert.True(await again.IsClosedAsync());
    }

    private static Pop3ConnectionHandler Handler(Pop3Server server, Pop3Options? options = null) =>
        new(server.Store, server.Maildrops, server.Fixture.Authenticator, options ?? new Pop3Options(), TimeProvider.System, server.Fixture.Logs.CreateLogger<Pop3ConnectionHandler>());

    private static (PipeClient Client, Task Run, CancellationTokenSource Stopping) Start(Pop3Server server, IPEndPoint remote, TimeProvider? time = null)
    {
        var client = PipeClient.Create(remote, time);
        var handler = new Pop3ConnectionHandler(server.Store, server.Maildrops, server.Fixture.Authenticator, new Pop3Options(), time ?? TimeProvider.System, server.Fixture.Logs.CreateLogger<Pop3ConnectionHandler>());
        var stopping = new CancellationTokenSource();
        var run = Task.Run(async () =>
        {
            try
            {
                await handler.RunAsync(client.Connection, stopping.Token);
            }
            finally
            {
                await client.Connection.DisposeAsync();
            }
        });
        return (client, run, stopping);
    }

    // The session arms its read deadline when it waits for the next line, and disarms it while a command runs.
    private static Task WaitForReadDeadlineAsync(ManualTimeProvider clock, int baseline) =>
        Eventually.TrueAsync(() => clock.PendingTimers > baseline, "the session to arm its idle timeout", TimeSpan.FromSeconds(5));
}
