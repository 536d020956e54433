using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Tests.Autoconfig;

public sealed class MailClientSettingsTests
{
    [Fact]
    public void Servers_are_the_ports_that_are_on_with_implicit_tls_first()
    {
        var servers = MailClientSettings.ServersOf(new MailPorts(Imap: 143, ImapTls: 0, Pop3: 0, Pop3Tls: 995, Submission: 587, SubmissionTls: 465));
        Assert.Equal(
            [
                new MailServer(MailProtocol.Imap, 143, MailSecurity.StartTls),
                new MailServer(MailProtocol.Pop3, 995, MailSecurity.Tls),
                new MailServer(MailProtocol.Smtp, 465, MailSecurity.Tls),
                new MailServer(MailProtocol.Smtp, 587, MailSecurity.StartTls),
            ],
            servers);
    }

    [Fact]
    public void All_ports_off_leaves_no_server() =>
        Assert.Empty(MailClientSettings.ServersOf(new MailPorts(0, 0, 0, 0, 0, 0)));

    [Theory]
    [InlineData("alice@example.org", "alice@example.org")]
    [InlineData("  Alice.B+tag@Example.ORG ", "Alice.B+tag@example.org")]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("alice", null)]
    [InlineData("@example.org", null)]
    [InlineData("alice@", null)]
    [InlineData("alice@exa mple.org", null)]
    [InlineData("al ice@example.org", null)]
    [InlineData(".alice@example.org", null)]
    [InlineData("a..b@example.org", null)]
    [InlineData("\"a b\"@example.org", null)]
    [InlineData("alice@[192.168.1.1]", null)]
    [InlineData("<x>@example.org", null)]
    [InlineData("alice@example.org\r\nX: y", null)]
    public void An_address_is_used_only_when_it_is_a_plain_mail_address(string? given, string? expected) =>
        Assert.Equal(expected, MailAddressText.Normalize(given));

    [Fact]
    public void Domain_is_the_address_one_else_the_first_mail_domain()
    {
        Assert.Equal("example.com", TestBox.Settings("bob@example.com").Domain);
        Assert.Equal("example.org", TestBox.Settings(null).Domain);
    }

    [Fact]
    public void Links_point_at_the_fetchable_documents_with_the_address_escaped()
    {
        var links = ClientSetup.Links("a+b@example.org");
        Assert.Equal("/mail/config-v1.1.xml?emailaddress=a%2Bb%40example.org", links.Thunderbird);
        Assert.Equal("/mail/profile.mobileconfig?emailaddress=a%2Bb%40example.org", links.AppleProfile);
        Assert.Equal("/autodiscover/autodiscover.xml", links.Autodiscover);
    }
}
