using System.Text;
using System.Xml.Linq;
using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Tests.Autoconfig;

/// <summary>Autodiscover (POX): a request in the protocol's request schema, the answer parsed against its namespaces.</summary>
public sealed class AutodiscoverTests
{
    private static readonly XNamespace Response = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    private static readonly XNamespace Outlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    /// <summary>What Outlook sends ([MS-OXDSCLI]'s example).</summary>
    internal static string OutlookRequest(string address, string schema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a") => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
          <Request>
            <EMailAddress>{address}</EMailAddress>
            <AcceptableResponseSchema>{schema}</AcceptableResponseSchema>
          </Request>
        </Autodiscover>
        """;

    [Fact]
    public void Request_from_outlook_is_answered_with_imap_pop3_and_smtp_settings()
    {
        var request = Parse(OutlookRequest("Alice@Example.ORG"));
        Assert.Equal(new Autodiscover.Request("Alice@example.org", 0), request);

        var answer = ThunderbirdConfigTests.Parse(Autodiscover.Write(TestBox.Settings(request.Address)));
        var root = answer.Root!;
        Assert.Equal(Response + "Autodiscover", root.Name);
        var response = Assert.Single(root.Elements(Outlook + "Response"));
        Assert.Equal("EdgeMail", response.Element(Outlook + "User")!.Element(Outlook + "DisplayName")!.Value);
        var account = response.Element(Outlook + "Account")!;
        Assert.Equal("email", account.Element(Outlook + "AccountType")!.Value);
        Assert.Equal("settings", account.Element(Outlook + "Action")!.Value);

        var protocols = account.Elements(Outlook + "Protocol").ToList();
        Assert.Equal(["IMAP", "POP3", "SMTP"], protocols.Select(p => p.Element(Outlook + "Type")!.Value));
        Assert.Equal([("993", "SSL"), ("995", "SSL"), ("465", "SSL")], protocols.Select(p => (p.Element(Outlook + "Port")!.Value, p.Element(Outlook + "Encryption")!.Value)));
        foreach (var protocol in protocols)
        {
            Assert.Equal("mail.example.org", protocol.Element(Outlook + "Server")!.Value);
            Assert.Equal("Alice@example.org", protocol.Element(Outlook + "LoginName")!.Value);
            Assert.Equal("off", protocol.Element(Outlook + "DomainRequired")!.Value);
            Assert.Equal("off", protocol.Element(Outlook + "SPA")!.Value);
            Assert.Equal("on", protocol.Element(Outlook + "SSL")!.Value);
            Assert.Equal("on", protocol.Element(Outlook + "AuthRequired")!.Value);
            Assert.All(protocol.Elements(), e => Assert.Equal(Outlook, e.Name.Namespace));
        }
        Assert.Equal("on", protocols[2].Element(Outlook + "UsePOPAuth")!.Value);
    }

    [Fact]
    public void Starttls_ports_alone_are_announced_as_tls_encryption()
    {
        var settings = TestBox.Settings(ports: new MailPorts(Imap: 143, ImapTls: 0, Pop3: 0, Pop3Tls: 0, Submission: 587, SubmissionTls: 0));
        var account = ThunderbirdConfigTests.Parse(Autodiscover.Write(settings)).Root!.Element(Outlook + "Response")!.Element(Outlook + "Account")!;
        Assert.Equal(
            [("IMAP", "143", "TLS"), ("SMTP", "587", "TLS")],
            account.Elements(Outlook + "Protocol").Select(p => (p.Element(Outlook + "Type")!.Value, p.Element(Outlook + "Port")!.Value, p.Element(Outlook + "Encryption")!.Value)));
    }

    [Fact]
    public void Request_without_a_response_schema_gets_outlook_settings() =>
        Assert.Equal(new Autodiscover.Request("bob@example.org", 0), Parse("""
            <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>bob@example.org</EMailAddress></Request></Autodiscover>
            """));

    [Fact]
    public void Request_for_another_response_schema_is_601() =>
        Assert.Equal(new Autodiscover.Request(null, 601), Parse(OutlookRequest("bob@example.org", "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006")));

    public static TheoryData<string> Malformed => new()
    {
        "",
        "not xml",
        "<Autodiscover",
        // The wrong namespace, or none.
        "<Autodiscover><Request><EMailAddress>a@example.org</EMailAddress></Request></Autodiscover>",
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006\"><Request><EMailAddress>a@example.org</EMailAddress></Request></Autodiscover>",
        // No address, an empty one, an invalid one, one in the wrong place.
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request/></Autodiscover>",
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress></EMailAddress></Request></Autodiscover>",
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>not an address</EMailAddress></Request></Autodiscover>",
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><EMailAddress>a@example.org</EMailAddress></Autodiscover>",
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Other><EMailAddress>a@example.org</EMailAddress></Other></Autodiscover>",
        // A nested element where text belongs.
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress><x/></EMailAddress></Request></Autodiscover>",
        // A DTD (billion laughs, an external entity): refused before any expansion.
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY b \"bbbbbbbb\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">]><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>&c;@example.org</EMailAddress></Request></Autodiscover>",
        "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>",
        // Truncated.
        "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>a@example.org</EMailAddress>",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_request_is_600(string body) =>
        Assert.Equal(new Autodiscover.Request(null, 600), Parse(body));

    [Fact]
    public void Request_longer_than_the_cap_is_600()
    {
        var body = OutlookRequest("a@example.org").Replace("<Request>", "<Request>" + new string(' ', 5000), StringComparison.Ordinal);
        Assert.Equal(new Autodiscover.Request(null, 600), Parse(body, maxCharacters: 4096));
        Assert.Equal(new Autodiscover.Request("a@example.org", 0), Parse(body, maxCharacters: 64 * 1024));
    }

    [Fact]
    public void Error_answer_is_600_invalid_request_in_the_response_namespace()
    {
        var root = ThunderbirdConfigTests.Parse(Autodiscover.WriteError(600, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero))).Root!;
        Assert.Equal(Response + "Autodiscover", root.Name);
        var error = root.Element(Response + "Response")!.Element(Response + "Error")!;
        Assert.Equal("03:04:05.0000000", (string?)error.Attribute("Time"));
        Assert.NotNull(error.Attribute("Id"));
        Assert.Equal("600", error.Element(Response + "ErrorCode")!.Value);
        Assert.Equal("Invalid Request", error.Element(Response + "Message")!.Value);
        Assert.NotNull(error.Element(Response + "DebugData"));
    }

    private static Autodiscover.Request Parse(string body, long maxCharacters = 64 * 1024)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return Autodiscover.Parse(stream, maxCharacters);
    }
}
