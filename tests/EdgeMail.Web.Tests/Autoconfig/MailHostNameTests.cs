using EdgeMail.Web.Autoconfig;

namespace EdgeMail.Web.Tests.Autoconfig;

public sealed class MailHostNameTests
{
    [Theory]
    // Web:MailHostName wins over everything.
    [InlineData("mail.example.org", "box.lan", "pi", "mail.example.org")]
    [InlineData("Mail.Example.ORG.", null, "pi", "mail.example.org")]
    // Else the name the page was opened by, when it is a DNS name.
    [InlineData(null, "edgemail.local", "pi", "edgemail.local")]
    [InlineData("", "Box.Lan", "pi", "box.lan")]
    [InlineData(null, "mail.example.org.", "pi", "mail.example.org")]
    // Not an IP literal, not localhost, not the autoconfig/autodiscover names: the machine's mDNS name.
    [InlineData(null, "192.168.1.20", "pi", "pi.local")]
    [InlineData(null, "[fe80::1]", "pi", "pi.local")]
    [InlineData(null, "::1", "pi", "pi.local")]
    [InlineData(null, "10.1", "pi", "pi.local")]
    [InlineData(null, "localhost", "pi", "pi.local")]
    [InlineData(null, "app.localhost", "pi", "pi.local")]
    [InlineData(null, "autoconfig.example.org", "pi", "pi.local")]
    [InlineData(null, "autodiscover.example.org", "pi", "pi.local")]
    [InlineData(null, "bad_name", "pi", "pi.local")]
    [InlineData(null, null, "EdgeMail", "edgemail.local")]
    [InlineData(null, "", "pi", "pi.local")]
    // A machine name with a dot is already a full name (as the certificate keeps it).
    [InlineData(null, null, "box.example.org", "box.example.org")]
    public void Host_name_is_the_configured_one_else_a_dns_request_host_else_the_machine_on_mdns(string? configured, string? requestHost, string machine, string expected) =>
        Assert.Equal(expected, MailHostName.Resolve(configured, requestHost, machine));

    [Fact]
    public void Settings_of_a_request_take_the_host_header_name_without_its_port()
    {
        var context = TestBox.Request("edgemail.local:8080");
        Assert.Equal("edgemail.local", ClientSetup.For(context, "alice@example.org").HostName);
    }

    [Fact]
    public void Settings_of_a_request_take_web_mail_host_name_when_set()
    {
        var context = TestBox.Request("192.168.1.20:8080", new WebOptions { MailHostName = "mail.example.org" });
        Assert.Equal("mail.example.org", ClientSetup.For(context, "alice@example.org").HostName);
    }
}
