using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>STARTTLS (RFC 9051 §6.2.1) with MailKit, and the command-injection guard of CVE-2011-0411.</summary>
public sealed class StartTlsTests(ImapServer server) : IClassFixture<ImapServer>
{
    [Fact]
    public async Task MailKit_upgrades_the_plain_port_with_starttls_and_logs_in()
    {
        using var client = new ImapClient { Timeout = 20_000, ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        await client.AuthenticateAsync(ImapServer.User, ImapServer.Password);
        var inbox = client.Inbox;
        await inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal("INBOX", inbox.FullName);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Commands_pipelined_after_starttls_are_not_run_and_the_connection_closes()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        await t.SendAsync("a STARTTLS\r\nb LOGIN \"" + ImapServer.User + "\" \"" + ImapServer.Password + "\"\r\n");
        var reply = await t.ReadUntilTaggedAsync("a");
        Assert.StartsWith("a OK", reply[^1]);

        // The plaintext "b" must never be answered: neither in the clear nor inside TLS.
        Assert.True(await t.IsClosedAsync());
    }
}
