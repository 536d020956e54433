using EdgeMail.Testing;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>Auth:MaxFailuresPerConnection over IMAP, and the held-back greeting of the address's next connection.</summary>
public sealed class GreetingDelayTests
{
    [Fact]
    public async Task The_third_failed_login_ends_the_connection_and_the_next_greeting_waits()
    {
        var time = new ManualTimeProvider();
        var server = ImapServer.WithClock(time);
        await server.InitializeAsync();
        try
        {
            await using (var client = await LoopbackClient.ConnectAsync("127.0.0.61", server.Port))
            {
                Assert.StartsWith("* OK", await client.ReadLineAsync());
                for (var i = 1; i <= 3; i++)
                {
                    Assert.StartsWith($"a{i} NO [AUTHENTICATIONFAILED]", await client.ImapAsync($"LOGIN \"{ImapServer.User}\" \"guess {i}\""));
                }

                Assert.StartsWith("* BYE", await client.ReadLineAsync());
                Assert.True(await client.ClosesAsync());
            }

            // The address's next connection waits BaseDelay (1 s) before it is greeted; another address does not.
            await using var again = await LoopbackClient.ConnectHeldAsync("127.0.0.61", server.Port, time, TimeSpan.FromSeconds(1));
            Assert.StartsWith("* OK", await again.ReadLineAsync());
            await using var other = await LoopbackClient.ConnectAsync("127.0.0.62", server.Port);
            Assert.StartsWith("* OK", await other.ReadLineAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
