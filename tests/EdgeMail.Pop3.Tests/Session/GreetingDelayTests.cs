using EdgeMail.Pop3.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Pop3.Tests.Session;

/// <summary>Auth:MaxFailuresPerConnection over POP3, and the held-back greeting of the address's next connection.</summary>
public sealed class GreetingDelayTests
{
    [Fact]
    public async Task The_third_failed_login_ends_the_connection_and_the_next_greeting_waits()
    {
        var time = new ManualTimeProvider();
        await using var server = await Pop3Server.StartAsync(time: time);
        await using (var client = await LoopbackClient.ConnectAsync("127.0.0.63", server.Port))
        {
            Assert.StartsWith("+OK", await client.ReadLineAsync());
            for (var i = 1; i <= 3; i++)
            {
                await client.SendAsync("USER " + Pop3Server.User);
                Assert.StartsWith("+OK", await client.ReadLineAsync());
                await client.SendAsync($"PASS guess {i}");
                Assert.StartsWith("-ERR [AUTH]", await client.ReadLineAsync());
            }

            Assert.True(await client.ClosesAsync());
        }

        await using var again = await LoopbackClient.ConnectHeldAsync("127.0.0.63", server.Port, time, TimeSpan.FromSeconds(1));
        Assert.StartsWith("+OK", await again.ReadLineAsync());
        await using var other = await LoopbackClient.ConnectAsync("127.0.0.64", server.Port);
        Assert.StartsWith("+OK", await other.ReadLineAsync());
    }
}
