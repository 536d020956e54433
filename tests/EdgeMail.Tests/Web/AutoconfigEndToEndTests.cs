using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Tests.Web;

/// <summary>
/// The client auto-configuration documents from the real `serve`, over plain HTTP as a mail client fetches them: each
/// names the ports serve was started with, and the host name the client asked by.
/// </summary>
public sealed class AutoconfigEndToEndTests : IAsyncLifetime
{
    private const string User = "alice@edgemail.local";
    private const int MaxBodyBytes = 4096;
    private static readonly XNamespace Outlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
    private static readonly XNamespace Response = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";

    private readonly TempFolder _data = new();
    private readonly int _imap = EdgeMailProcess.FreePort();
    private readonly int _imaps = EdgeMailProcess.FreePort();
    private readonly int _pop3s = EdgeMailProcess.FreePort();
    private readonly int _submission = EdgeMailProcess.FreePort();
    private readonly int _submissions = EdgeMailProcess.FreePort();
    private readonly int _web = EdgeMailProcess.FreePort();
    private readonly HttpClient _http = new();
    private ServeProcess _serve = null!;

    public async Task InitializeAsync()
    {
        var args = ServeProcess.OnlyArguments(_data.Path,
            ("Imap:Port", _imap), ("Imap:TlsPort", _imaps), ("Pop3:TlsPort", _pop3s), ("Smtp:SubmissionPort", _submission), ("Smtp:TlsPort", _submissions), ("Web:Port", _web));
        args.Add($"--Web:MaxRequestBodyBytes={MaxBodyBytes}");
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
        _http.BaseAddress = new Uri($"http://127.0.0.1:{_web}");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        _serve.Process.Dispose();
        _data.Dispose();
    }

    [Theory]
    [InlineData("/mail/config-v1.1.xml")]
    [InlineData("/.well-known/autoconfig/mail/config-v1.1.xml")]
    public async Task Thunderbird_config_names_the_ports_serve_listens_on_and_the_host_asked_for(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path + "?emailaddress=" + Uri.EscapeDataString(User));
        request.Headers.Host = $"edgemail.local:{_web}";
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/xml", response.Content.Headers.ContentType?.MediaType);
        var provider = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("emailProvider")!;
        Assert.Equal("edgemail.local", provider.Element("domain")!.Value);
        Assert.Equal(
            [
                ("incomingServer", "imap", _imaps, "SSL"),
                ("incomingServer", "imap", _imap, "STARTTLS"),
                ("incomingServer", "pop3", _pop3s, "SSL"),
                ("outgoingServer", "smtp", _submissions, "SSL"),
                ("outgoingServer", "smtp", _submission, "STARTTLS"),
            ],
            provider.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal))
                .Select(s => (s.Name.LocalName, (string)s.Attribute("type")!, int.Parse(s.Element("port")!.Value, CultureInfo.InvariantCulture), s.Element("socketType")!.Value)));
        Assert.All(provider.Descendants("hostname"), h => Assert.Equal("edgemail.local", h.Value));
        Assert.All(provider.Descendants("username"), u => Assert.Equal(User, u.Value));
    }

    [Fact]
    public async Task Thunderbird_config_without_an_address_uses_the_machine_name_and_placeholders()
    {
        var xml = XDocument.Parse(await _http.GetStringAsync("/mail/config-v1.1.xml"));

        var machine = Dns.GetHostName().ToLowerInvariant();
        var expected = machine.Contains('.', StringComparison.Ordinal) ? machine : machine + ".local";
        Assert.All(xml.Descendants("hostname"), h => Assert.Equal(expected, h.Value));
        Assert.All(xml.Descendants("username"), u => Assert.Equal("%EMAILADDRESS%", u.Value));
    }

    [Theory]
    [InlineData("/autodiscover/autodiscover.xml")]
    [InlineData("/Autodiscover/Autodiscover.xml")]
    public async Task Autodiscover_answers_outlook_with_the_best_port_of_each_protocol(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Xml(OutlookRequest(User)) };
        request.Headers.Host = "box.lan";
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var account = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element(Outlook + "Response")!.Element(Outlook + "Account")!;
        Assert.Equal("settings", account.Element(Outlook + "Action")!.Value);
        Assert.Equal(
            [("IMAP", _imaps, "SSL"), ("POP3", _pop3s, "SSL"), ("SMTP", _submissions, "SSL")],
            account.Elements(Outlook + "Protocol").Select(p => (p.Element(Outlook + "Type")!.Value, int.Parse(p.Element(Outlook + "Port")!.Value, CultureInfo.InvariantCulture), p.Element(Outlook + "Encryption")!.Value)));
        Assert.All(account.Elements(Outlook + "Protocol"), p =>
        {
            Assert.Equal("box.lan", p.Element(Outlook + "Server")!.Value);
            Assert.Equal(User, p.Element(Outlook + "LoginName")!.Value);
        });
    }

    [Fact]
    public async Task Autodiscover_answers_a_malformed_or_oversized_request_with_error_600_not_a_server_error()
    {
        var bodies = new[]
        {
            "not xml at all",
            "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006\"><Request><EMailAddress>&x;</EMailAddress></Request></Autodiscover>",
            OutlookRequest(User).Replace("<Request>", "<Request>" + new string(' ', MaxBodyBytes * 4), StringComparison.Ordinal),
        };
        foreach (var body in bodies)
        {
            using var response = await _http.PostAsync("/autodiscover/autodiscover.xml", Xml(body));

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var error = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element(Response + "Response")!.Element(Response + "Error")!;
            Assert.Equal("600", error.Element(Response + "ErrorCode")!.Value);
            Assert.Equal("Invalid Request", error.Element(Response + "Message")!.Value);
        }

        // The service is still well.
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/api/status")).StatusCode);
    }

    [Fact]
    public async Task Apple_profile_is_served_without_a_password_and_names_the_ports()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mail/profile.mobileconfig?emailaddress=" + Uri.EscapeDataString(User));
        request.Headers.Host = "edgemail.local";
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-apple-aspen-config", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var profile = await PlistAsync(await response.Content.ReadAsByteArrayAsync());
        var payloads = profile.GetProperty("PayloadContent").EnumerateArray().ToList();
        var mail = payloads.Single(p => p.GetProperty("PayloadType").GetString() == "com.apple.mail.managed");
        Assert.False(mail.TryGetProperty("IncomingPassword", out _));
        Assert.Equal(User, mail.GetProperty("EmailAddress").GetString());
        Assert.Equal("edgemail.local", mail.GetProperty("IncomingMailServerHostName").GetString());
        Assert.Equal(_imaps, mail.GetProperty("IncomingMailServerPortNumber").GetInt32());
        Assert.Equal(_submissions, mail.GetProperty("OutgoingMailServerPortNumber").GetInt32());
        // The box's own CA rides along as a root payload, byte for byte the certificate /ca.crt serves.
        Assert.Equal(2, payloads.Count);
        var root = payloads.Single(p => p.GetProperty("PayloadType").GetString() == "com.apple.security.root");
        Assert.Equal(await _http.GetByteArrayAsync("/ca.crt"), Convert.FromBase64String(root.GetProperty("PayloadContent").GetString()!));
    }

    private static string OutlookRequest(string address) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
          <Request>
            <EMailAddress>{address}</EMailAddress>
            <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
          </Request>
        </Autodiscover>
        """;

    private static StringContent Xml(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("text/xml"));

    /// <summary>The profile as Python's plistlib reads it, as JSON.</summary>
    private async Task<JsonElement> PlistAsync(byte[] plist)
    {
        var path = Path.Combine(_data.Path, "profile.mobileconfig");
        await File.WriteAllBytesAsync(path, plist);
        var run = await ExternalTool.RunAsync(ExternalTool.Python, "python3",
            ["-c", "import base64,json,plistlib,sys\njson.dump(plistlib.load(open(sys.argv[1], 'rb'), fmt=plistlib.FMT_XML), sys.stdout, default=lambda b: base64.b64encode(b).decode())", path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }
}
