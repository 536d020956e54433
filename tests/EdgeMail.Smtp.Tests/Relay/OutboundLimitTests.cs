using EdgeMail.Smtp.Relay;
using EdgeMail.Smtp.Tests.Support;
using EdgeMail.Testing;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Smtp.Tests.Relay;

/// <summary>Relay:MaxMessagesPerHour: a sender past its hour's messages for other domains gets 451 4.7.1; local mail, other senders and the next hour are not held back.</summary>
public sealed class OutboundLimitTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero));
    private SmtpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await SmtpServer.StartAsync(relay: new RelayOptions { Host = SmtpServer.UnusedUpstream, MaxMessagesPerHour = 3 }, time: _time);
        await _server.AddUserAsync("alice");
        await _server.AddUserAsync("bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_fourth_outside_message_in_an_hour_is_refused_451_4_7_1_and_the_next_hour_it_goes()
    {
        using (var first = await LoginAsync("alice"))
        {
            for (var i = 0; i < 3; i++)
            {
                await first.SendAsync(Message("alice", $"friend{i}@example.net"));
            }
        }

        // The clock runs the sessions' timeouts too: each step is taken between connections.
        _time.Advance(TimeSpan.FromMinutes(10));
        var alice = await LoginAsync("alice");
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => alice.SendAsync(Message("alice", "friend9@example.net")));
        Assert.Equal(451, (int)refused.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
        Assert.Contains("alice@edgemail.local has sent 3 messages to other domains within the hour", refused.Message, StringComparison.Ordinal);
        Assert.Contains("try again after 10:00 UTC", refused.Message, StringComparison.Ordinal);

        // Local mail is never held back, nor is another account.
        await alice.SendAsync(Message("alice", "bob@edgemail.local"));
        Assert.Single(await _server.InboxAsync("bob"));
        using (var bob = await LoginAsync("bob"))
        {
            await bob.SendAsync(Message("bob", "someone@example.net"));
        }

        Assert.Equal(["alice@edgemail.local"], _server.Limiter.Usage().Where(u => u.Limited).Select(u => u.Sender));
        Assert.Single(_server.Fixture.Logs.Entries, e => e.Message.Contains("Relay:MaxMessagesPerHour", StringComparison.Ordinal));

        // An hour after the first three (all at 09:00): their slots are free again, and the window fills anew.
        alice.Dispose();
        _time.Advance(TimeSpan.FromMinutes(50));
        using var later = await LoginAsync("alice");
        for (var i = 0; i < 3; i++)
        {
            await later.SendAsync(Message("alice", $"later{i}@example.net"));
        }

        await Assert.ThrowsAsync<SmtpCommandException>(() => later.SendAsync(Message("alice", "later9@example.net")));
        Assert.Equal(7, (await _server.Fixture.Store.ListQueueAsync()).Count);
    }

    private async Task<SmtpClient> LoginAsync(string user)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };
        await client.ConnectAsync("127.0.0.1", _server.SubmissionPort, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync($"{user}@edgemail.local", SmtpServer.Password);
        return client;
    }

    private static MimeMessage Message(string from, string to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse($"{from}@edgemail.local"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "limit test";
        message.Body = new TextPart("plain") { Text = "hello" };
        return message;
    }
}
