using System.Text;
using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Smtp.Tests.Session;

/// <summary>Auth:MaxFailuresPerConnection over submission, and the held-back greeting of the address's next connection.</summary>
public sealed class GreetingDelayTests
{
    [Fact]
    public async Task The_third_failed_auth_gets_421_and_the_next_greeting_waits()
    {
        var time = new ManualTimeProvider();
        await using var server = await SmtpServer.StartAsync(time: time);
        await server.AddUserAsync("alice");
        await using (var client = await LoopbackClient.ConnectAsync("127.0.0.65", server.SubmissionPort))
        {
            Assert.StartsWith("220 ", await client.ReadReplyAsync());
            await client.SendAsync("EHLO client.example");
            Assert.StartsWith("250 ", await client.ReadReplyAsync());
            for (var i = 1; i <= 3; i++)
            {
                await client.SendAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0alice@{SmtpServer.Domain}\0guess {i}")));
                Assert.StartsWith(i < 3 ? "535 5.7.8 " : "421 4.7.0 ", await client.ReadReplyAsync());
            }

            Assert.True(await client.ClosesAsync());
        }

        await using var again = await LoopbackClient.ConnectHeldAsync("127.0.0.65", server.SubmissionPort, time, TimeSpan.FromSeconds(1));
        Assert.StartsWith("220 ", await again.ReadReplyAsync());
        await using var other = await LoopbackClient.ConnectAsync("127.0.0.66", server.SubmissionPort);
        Assert.StartsWith("220 ", await other.ReadReplyAsync());
    }
}
