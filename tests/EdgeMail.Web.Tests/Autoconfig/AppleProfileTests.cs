using System.Text.Json;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;
using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Tests.Autoconfig;

/// <summary>The Apple profile, read back by Python's plistlib (a real plist parser), every key checked.</summary>
public sealed class AppleProfileTests
{
    /// <summary>plistlib's reading as JSON; data (bytes) as base64.</summary>
    private const string PlistToJson = "import base64,json,plistlib,sys\n"
        + "p = plistlib.load(open(sys.argv[1], 'rb'), fmt=plistlib.FMT_XML)\n"
        + "json.dump(p, sys.stdout, default=lambda b: {'data': base64.b64encode(b).decode()})\n";

    private static readonly string[] MailKeys =
    [
        "EmailAccountDescription", "EmailAccountType", "EmailAddress", "IncomingMailServerAuthentication", "IncomingMailServerHostName",
        "IncomingMailServerPortNumber", "IncomingMailServerUseSSL", "IncomingMailServerUsername", "OutgoingMailServerAuthentication",
        "OutgoingMailServerHostName", "OutgoingMailServerPortNumber", "OutgoingMailServerUseSSL", "OutgoingMailServerUsername",
        "OutgoingPasswordSameAsIncomingPassword", "PayloadDisplayName", "PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion",
    ];

    [Fact]
    public async Task Profile_without_password_or_ca_sets_up_imap_and_submission_and_asks_for_the_password()
    {
        var profile = await ReadAsync(AppleProfile.Write(TestBox.Settings("alice@example.org"), "box-1", authorityDer: null, appPassword: null));

        CheckTopLevel(profile, "alice@example.org");
        var mail = Assert.Single(profile.GetProperty("PayloadContent").EnumerateArray());
        Assert.Equal(MailKeys.Order(StringComparer.Ordinal), Keys(mail));
        Assert.Equal("com.apple.mail.managed", mail.GetProperty("PayloadType").GetString());
        Assert.Equal(1, mail.GetProperty("PayloadVersion").GetInt32());
        Assert.Equal("EmailTypeIMAP", mail.GetProperty("EmailAccountType").GetString());
        Assert.Equal("EdgeMail (mail.example.org)", mail.GetProperty("EmailAccountDescription").GetString());
        Assert.Equal("alice@example.org", mail.GetProperty("EmailAddress").GetString());
        Assert.Equal("EmailAuthPassword", mail.GetProperty("IncomingMailServerAuthentication").GetString());
        Assert.Equal("mail.example.org", mail.GetProperty("IncomingMailServerHostName").GetString());
        Assert.Equal(993, mail.GetProperty("IncomingMailServerPortNumber").GetInt32());
        Assert.True(mail.GetProperty("IncomingMailServerUseSSL").GetBoolean());
        Assert.Equal("alice@example.org", mail.GetProperty("IncomingMailServerUsername").GetString());
        Assert.Equal("EmailAuthPassword", mail.GetProperty("OutgoingMailServerAuthentication").GetString());
        Assert.Equal("mail.example.org", mail.GetProperty("OutgoingMailServerHostName").GetString());
        Assert.Equal(465, mail.GetProperty("OutgoingMailServerPortNumber").GetInt32());
        Assert.True(mail.GetProperty("OutgoingMailServerUseSSL").GetBoolean());
        Assert.Equal("alice@example.org", mail.GetProperty("OutgoingMailServerUsername").GetString());
        Assert.True(mail.GetProperty("OutgoingPasswordSameAsIncomingPassword").GetBoolean());
        Assert.False(mail.TryGetProperty("IncomingPassword", out _));
        Assert.StartsWith(profile.GetProperty("PayloadIdentifier").GetString() + ".", mail.GetProperty("PayloadIdentifier").GetString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(mail.GetProperty("PayloadUUID").GetString(), out _));
    }

    [Fact]
    public async Task One_time_profile_embeds_the_app_password_and_the_ca_whose_data_is_the_der()
    {
        var der = TestBox.AuthorityDer();
        var profile = await ReadAsync(AppleProfile.Write(TestBox.Settings("alice@example.org"), "box-1", der, appPassword: "abcd-efgh-ijkl-mnop"));

        CheckTopLevel(profile, "alice@example.org");
        var payloads = profile.GetProperty("PayloadContent").EnumerateArray().ToList();
        Assert.Equal(["com.apple.mail.managed", "com.apple.security.root"], payloads.Select(p => p.GetProperty("PayloadType").GetString()));

        var mail = payloads[0];
        Assert.Equal(MailKeys.Append("IncomingPassword").Order(StringComparer.Ordinal), Keys(mail));
        Assert.Equal("abcd-efgh-ijkl-mnop", mail.GetProperty("IncomingPassword").GetString());
        Assert.True(mail.GetProperty("OutgoingPasswordSameAsIncomingPassword").GetBoolean());

        var root = payloads[1];
        Assert.Equal(
            ["PayloadCertificateFileName", "PayloadContent", "PayloadDescription", "PayloadDisplayName", "PayloadIdentifier", "PayloadType", "PayloadUUID", "PayloadVersion"],
            Keys(root));
        Assert.Equal(Convert.ToBase64String(der), root.GetProperty("PayloadContent").GetProperty("data").GetString());
        Assert.EndsWith(".cer", root.GetProperty("PayloadCertificateFileName").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, root.GetProperty("PayloadVersion").GetInt32());
        Assert.StartsWith(profile.GetProperty("PayloadIdentifier").GetString() + ".", root.GetProperty("PayloadIdentifier").GetString(), StringComparison.Ordinal);

        var uuids = new[] { profile, mail, root }.Select(p => p.GetProperty("PayloadUUID").GetString()).ToList();
        Assert.Equal(3, uuids.Distinct().Count());
    }

    [Fact]
    public async Task Profile_with_a_ca_but_no_password_has_both_payloads_and_no_password()
    {
        var der = TestBox.AuthorityDer();
        var profile = await ReadAsync(AppleProfile.Write(TestBox.Settings("alice@example.org"), "box-1", der, appPassword: null));

        var payloads = profile.GetProperty("PayloadContent").EnumerateArray().ToList();
        Assert.Equal(["com.apple.mail.managed", "com.apple.security.root"], payloads.Select(p => p.GetProperty("PayloadType").GetString()));
        Assert.Equal(MailKeys.Order(StringComparer.Ordinal), Keys(payloads[0]));
        Assert.Equal(Convert.ToBase64String(der), payloads[1].GetProperty("PayloadContent").GetProperty("data").GetString());
    }

    [Fact]
    public async Task Profile_without_an_address_leaves_the_address_and_user_names_for_the_device_to_ask()
    {
        var profile = await ReadAsync(AppleProfile.Write(TestBox.Settings(address: null), "box-1", authorityDer: null, appPassword: null));

        CheckTopLevel(profile, address: null);
        var mail = Assert.Single(profile.GetProperty("PayloadContent").EnumerateArray());
        Assert.Equal(
            MailKeys.Except(["EmailAddress", "IncomingMailServerUsername", "OutgoingMailServerUsername"]).Order(StringComparer.Ordinal),
            Keys(mail));
    }

    [Fact]
    public async Task Profile_uses_starttls_ports_and_pop_when_that_is_all_that_is_on()
    {
        var settings = TestBox.Settings(ports: new MailPorts(Imap: 0, ImapTls: 0, Pop3: 110, Pop3Tls: 0, Submission: 587, SubmissionTls: 0));
        var mail = Assert.Single((await ReadAsync(AppleProfile.Write(settings, "box-1", null, null))).GetProperty("PayloadContent").EnumerateArray());

        Assert.Equal("EmailTypePOP", mail.GetProperty("EmailAccountType").GetString());
        Assert.Equal(110, mail.GetProperty("IncomingMailServerPortNumber").GetInt32());
        Assert.Equal(587, mail.GetProperty("OutgoingMailServerPortNumber").GetInt32());
        Assert.True(mail.GetProperty("IncomingMailServerUseSSL").GetBoolean());
    }

    [Fact]
    public void Uuids_and_identifiers_are_stable_per_address_and_box()
    {
        static string Uuid(string box, string address) =>
            System.Text.Encoding.UTF8.GetString(AppleProfile.Write(TestBox.Settings(address), box, null, null)).Split("<key>PayloadUUID</key>")[^1];

        Assert.Equal(Uuid("box-1", "alice@example.org"), Uuid("box-1", "alice@example.org"));
        Assert.NotEqual(Uuid("box-1", "alice@example.org"), Uuid("box-2", "alice@example.org"));
        Assert.NotEqual(Uuid("box-1", "alice@example.org"), Uuid("box-1", "bob@example.org"));
        // Version 8 (RFC 9562 §5.8), variant 10.
        var uuid = AppleProfile.Uuid("seed", "profile");
        Assert.Matches("^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$", uuid);
        Assert.Equal("org.example.mail", AppleProfile.ReverseDns("mail.example.org"));
    }

    [Fact]
    public async Task Client_setup_builds_the_one_time_profile_from_the_request_with_the_ca_when_the_box_has_one()
    {
        var der = TestBox.AuthorityDer();
        var context = TestBox.Request("edgemail.local", ports: new MailPorts(143, 993, 0, 0, 587, 465), authority: der);
        var profile = await ReadAsync(ClientSetup.OneTimeAppleProfile(context, "alice@example.org", "app-password"));

        var payloads = profile.GetProperty("PayloadContent").EnumerateArray().ToList();
        Assert.Equal("edgemail.local", payloads[0].GetProperty("IncomingMailServerHostName").GetString());
        Assert.Equal("app-password", payloads[0].GetProperty("IncomingPassword").GetString());
        Assert.Equal(Convert.ToBase64String(der), payloads[1].GetProperty("PayloadContent").GetProperty("data").GetString());

        var fetchable = await ReadAsync(ClientSetup.AppleProfileWithoutPassword(TestBox.Request("edgemail.local"), "alice@example.org"));
        Assert.False(Assert.Single(fetchable.GetProperty("PayloadContent").EnumerateArray()).TryGetProperty("IncomingPassword", out _));
        Assert.Throws<ArgumentException>(() => ClientSetup.OneTimeAppleProfile(context, "not an address", "app-password"));
    }

    private static void CheckTopLevel(JsonElement profile, string? address)
    {
        Assert.Equal(
            ["PayloadContent", "PayloadDescription", "PayloadDisplayName", "PayloadIdentifier", "PayloadOrganization", "PayloadRemovalDisallowed", "PayloadType", "PayloadUUID", "PayloadVersion"],
            Keys(profile));
        Assert.Equal("Configuration", profile.GetProperty("PayloadType").GetString());
        Assert.Equal(1, profile.GetProperty("PayloadVersion").GetInt32());
        Assert.False(profile.GetProperty("PayloadRemovalDisallowed").GetBoolean());
        Assert.Equal("EdgeMail", profile.GetProperty("PayloadOrganization").GetString());
        Assert.Equal(address is null ? "EdgeMail mail" : $"EdgeMail mail ({address})", profile.GetProperty("PayloadDisplayName").GetString());
        Assert.Matches(address is null ? @"^org\.example\.edgemail\.[0-9a-f]{16}$" : $@"^{string.Join(@"\.", address.Split('@')[1].Split('.').Reverse())}\.edgemail\.[0-9a-f]{{16}}$", profile.GetProperty("PayloadIdentifier").GetString());
        Assert.True(Guid.TryParse(profile.GetProperty("PayloadUUID").GetString(), out _));
        Assert.Contains("mail.example.org", profile.GetProperty("PayloadDescription").GetString(), StringComparison.Ordinal);
    }

    private static List<string> Keys(JsonElement dict) => dict.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();

    internal static async Task<JsonElement> ReadAsync(byte[] plist)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "profile.mobileconfig");
        await File.WriteAllBytesAsync(path, plist);
        var run = await ExternalTool.RunAsync(ExternalTool.Python, "python3", ["-c", PlistToJson, path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }
}
