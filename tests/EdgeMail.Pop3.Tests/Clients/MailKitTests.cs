using System.Text;
using EdgeMail.Pop3.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Pop3.Tests.Clients;

/// <summary>MailKit's Pop3Client, the reference .NET client, against the real server.</summary>
public sealed class MailKitTests
{
    [Fact]
    public async Task Pop3Client_fetches_over_stls_with_scram_and_deletes_on_quit()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("first", "Hello there.\r\n.leading dot\r\n"));
        await server.DeliverAsync("Subject: second\nFrom: x@example.org\n\nbare LF body\n");

        using var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.UIDL));
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.Top));
        Assert.True(client.Capabilities.HasFlag(Pop3Capabilities.Pipelining));
        Assert.Contains("SCRAM-SHA-256", client.AuthenticationMechanisms);
        await client.AuthenticateAsync(new SaslMechanismScramSha256(Pop3Server.User, Pop3Server.Password));

        Assert.Equal(2, client.Count);
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(2, uids.Distinct().Count());
        var sizes = await client.GetMessageSizesAsync();

        var first = await client.GetMessageAsync(0);
        Assert.Equal("first", first.Subject);
        Assert.Equal("Hello there.\r\n.leading dot\r\n", first.TextBody!.Replace("\n", "\r\n", StringComparison.Ordinal).Replace("\r\r\n", "\r\n", StringComparison.Ordinal));

        // MailKit counts what it reads after undoing the byte-stuffing; RFC 1939 §5 says that equals LIST's size.
        using (var raw = await client.GetStreamAsync(1))
        {
            Assert.Equal(sizes[1], raw.Length);
        }

        var headers = await client.GetMessageHeadersAsync(1);
        Assert.Equal("second", headers[HeaderId.Subject]);

        await client.DeleteMessageAsync(0);
        await client.DisconnectAsync(quit: true);

        var left = Assert.Single(await server.InboxAsync());
        await using var body = await server.Store.OpenBodyAsync(left.BodyId);
        Assert.StartsWith("Subject: second", await new StreamReader(body, Encoding.UTF8).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pop3Client_logs_in_with_user_pass_over_implicit_tls()
    {
        await using var server = await Pop3Server.StartAsync();
        await server.DeliverAsync(Pop3Server.Message("over tls"));
        using var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.TlsPort, SecureSocketOptions.SslOnConnect);
        client.AuthenticationMechanisms.Clear();
        await client.AuthenticateAsync(Pop3Server.User, Pop3Server.Password);
        Assert.Equal(1, client.Count);
        Assert.Equal("over tls", (await client.GetMessageAsync(0)).Subject);
        await client.DisconnectAsync(quit: true);
        Assert.Single(await server.InboxAsync());
    }

    [Fact]
    public async Task Pop3Client_sees_IN_USE_for_a_second_session()
    {
        await using var server = await Pop3Server.StartAsync();
        using var first = new Pop3Client();
        await first.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await first.AuthenticateAsync(Pop3Server.User, Pop3Server.Password);

        // MailKit reports only "Authentication failed."; its protocol log shows the server's answer.
        var log = new MemoryStream();
        using var second = new Pop3Client(new MailKit.ProtocolLogger(log, leaveOpen: true));
        await second.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => second.AuthenticateAsync(Pop3Server.User, Pop3Server.Password));
        Assert.Contains("-ERR [IN-USE]", Encoding.UTF8.GetString(log.ToArray()), StringComparison.Ordinal);
        await first.DisconnectAsync(quit: true);
    }
}
