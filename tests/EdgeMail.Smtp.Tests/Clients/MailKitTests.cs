using EdgeMail.Smtp.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Smtp.Tests.Clients;

/// <summary>MailKit's SmtpClient, the reference client, submitting with AUTH over STARTTLS and over implicit TLS.</summary>
public sealed class MailKitTests
{
    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@edgemail.local"));
        message.To.Add(MailboxAddress.Parse("bob@edgemail.local"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Grüße aus der Küche\r\n" };
        return message;
    }

    private static SmtpClient Client() => new() { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 20_000 };

    [Theory]
    [InlineData("submission", SecureSocketOptions.StartTls, "ESMTPSA")]
    [InlineData("submissions", SecureSocketOptions.SslOnConnect, "ESMTPSA")]
    public async Task Authenticated_submission_is_delivered_to_the_local_inbox(string endpoint, SecureSocketOptions security, string protocol)
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        await server.AddUserAsync("bob");
        using (var client = Client())
        {
            await client.ConnectAsync("127.0.0.1", server.Fixture.Ports[endpoint], security);
            Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
            await client.AuthenticateAsync("alice@edgemail.local", SmtpServer.Password); // SCRAM-SHA-256, MailKit's first choice
            Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
            await client.SendAsync(Message("over " + endpoint));
            await client.DisconnectAsync(true);
        }

        var delivered = Assert.Single(await server.InboxAsync("bob"));
        Assert.StartsWith("Received: from ", delivered.Text, StringComparison.Ordinal);
        Assert.Contains($"with {protocol} id ", delivered.Text, StringComparison.Ordinal);
        Assert.Contains("Subject: over " + endpoint, delivered.Text, StringComparison.Ordinal);
        var parsed = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(delivered.Text)));
        Assert.Equal("Grüße aus der Küche\r\n", parsed.TextBody!.ReplaceLineEndings("\r\n"));
    }

    [Fact]
    public async Task Plain_auth_is_used_when_chosen_and_mail_to_outside_is_queued()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", server.SubmissionPort, SecureSocketOptions.StartTls);
        client.AuthenticationMechanisms.Remove("SCRAM-SHA-256");
        await client.AuthenticateAsync("alice@edgemail.local", SmtpServer.Password);
        var message = Message("outside");
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse("friend@example.net"));
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var queued = Assert.Single(await server.Fixture.Store.ListQueueAsync());
        Assert.Equal("alice@edgemail.local", queued.Sender);
        Assert.NotNull(queued.AccountId);
    }

    [Fact]
    public async Task Unknown_local_recipient_is_refused_with_550_5_1_1()
    {
        await using var server = await SmtpServer.StartAsync();
        await server.AddUserAsync("alice");
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        var message = Message("nobody");
        message.To.Clear();
        message.To.Add(MailboxAddress.Parse("nobody@edgemail.local"));
        var error = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(message));
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, error.StatusCode);
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
    }
}
