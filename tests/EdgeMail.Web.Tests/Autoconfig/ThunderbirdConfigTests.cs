using System.Xml.Linq;
using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Tests.Autoconfig;

/// <summary>Thunderbird's clientConfig 1.1, parsed back with XDocument, every field checked.</summary>
public sealed class ThunderbirdConfigTests
{
    [Fact]
    public void Config_names_every_server_with_its_port_tls_mode_and_the_address_as_user_name()
    {
        var document = Parse(ThunderbirdConfig.Write(TestBox.Settings("alice@example.org")));

        var root = document.Root!;
        Assert.Equal("clientConfig", root.Name.LocalName);
        Assert.Equal(XNamespace.None, root.Name.Namespace);
        Assert.Equal("1.1", (string?)root.Attribute("version"));
        var provider = Assert.Single(root.Elements("emailProvider"));
        Assert.Equal("example.org", (string?)provider.Attribute("id"));
        Assert.Equal(["example.org"], provider.Elements("domain").Select(d => d.Value));
        Assert.Equal("EdgeMail (mail.example.org)", provider.Element("displayName")!.Value);
        Assert.Equal("EdgeMail", provider.Element("displayShortName")!.Value);

        Assert.Equal(
            [
                ("incomingServer", "imap", 993, "SSL"),
                ("incomingServer", "imap", 143, "STARTTLS"),
                ("incomingServer", "pop3", 995, "SSL"),
                ("incomingServer", "pop3", 110, "STARTTLS"),
                ("outgoingServer", "smtp", 465, "SSL"),
                ("outgoingServer", "smtp", 587, "STARTTLS"),
            ],
            provider.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal))
                .Select(s => (s.Name.LocalName, (string)s.Attribute("type")!, int.Parse(s.Element("port")!.Value, System.Globalization.CultureInfo.InvariantCulture), s.Element("socketType")!.Value)));
        foreach (var server in provider.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal)))
        {
            Assert.Equal(["hostname", "port", "socketType", "username", "authentication"], server.Elements().Select(e => e.Name.LocalName));
            Assert.Equal("mail.example.org", server.Element("hostname")!.Value);
            Assert.Equal("alice@example.org", server.Element("username")!.Value);
            Assert.Equal("password-cleartext", server.Element("authentication")!.Value);
        }
    }

    [Fact]
    public void Without_an_address_the_format_placeholders_and_every_mail_domain_are_used()
    {
        var provider = Parse(ThunderbirdConfig.Write(TestBox.Settings(address: null))).Root!.Element("emailProvider")!;

        Assert.Equal("example.org", (string?)provider.Attribute("id"));
        Assert.Equal(["example.org", "example.net"], provider.Elements("domain").Select(d => d.Value));
        Assert.All(provider.Descendants("username"), u => Assert.Equal("%EMAILADDRESS%", u.Value));
    }

    [Fact]
    public void Ports_that_are_off_are_left_out()
    {
        var settings = TestBox.Settings(ports: new MailPorts(Imap: 0, ImapTls: 993, Pop3: 0, Pop3Tls: 0, Submission: 587, SubmissionTls: 0));
        var provider = Parse(ThunderbirdConfig.Write(settings)).Root!.Element("emailProvider")!;

        var incoming = Assert.Single(provider.Elements("incomingServer"));
        Assert.Equal(("imap", "993", "SSL"), ((string)incoming.Attribute("type")!, incoming.Element("port")!.Value, incoming.Element("socketType")!.Value));
        var outgoing = Assert.Single(provider.Elements("outgoingServer"));
        Assert.Equal(("smtp", "587", "STARTTLS"), ((string)outgoing.Attribute("type")!, outgoing.Element("port")!.Value, outgoing.Element("socketType")!.Value));
    }

    [Fact]
    public void An_address_with_xml_characters_is_escaped_not_injected()
    {
        // MailAddressText refuses '<', but the writer must not depend on that: '&' and '\'' are valid in a local part.
        var provider = Parse(ThunderbirdConfig.Write(TestBox.Settings("o'neil&co@example.org"))).Root!.Element("emailProvider")!;
        Assert.All(provider.Descendants("username"), u => Assert.Equal("o'neil&co@example.org", u.Value));
    }

    internal static XDocument Parse(byte[] xml)
    {
        using var stream = new MemoryStream(xml);
        var document = XDocument.Load(stream);
        Assert.Equal("utf-8", document.Declaration?.Encoding, ignoreCase: true);
        return document;
    }
}
