using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Tests.Web;

/// <summary>
/// The web page on the real `serve`: the status JSON and view, the event stream following the button (pressed through
/// the loopback test hook) and the pairing window, pairing through the API and the form, the phone's one-time link,
/// CSRF, and the login throttle on pairing.
/// </summary>
public sealed partial class WebPageTests
{
    private const string Admin = WebServe.Admin;
    private const string AdminPassword = WebServe.AdminPassword;

    [Fact]
    public async Task Status_json_names_version_uptime_listeners_accounts_queue_storage_leds_pairing_fingerprints_and_the_virtual_pins()
    {
        await using var web = await WebServe.StartAsync();
        var status = await web.StatusAsync();

        Assert.False(string.IsNullOrEmpty(status.GetProperty("version").GetString()));
        Assert.True(status.GetProperty("uptimeSeconds").GetInt64() >= 0);
        var services = status.GetProperty("services").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("listeners"));
        Assert.Equal(["imap", "pop3", "smtp", "web"], services.Keys.Order());
        var imap = Assert.Single(services["imap"].EnumerateArray());
        Assert.Equal(web.Imap, imap.GetProperty("port").GetInt32());
        Assert.Equal("starttls", imap.GetProperty("tls").GetString());
        Assert.Empty(services["pop3"].EnumerateArray());
        var ports = services["web"].EnumerateArray().Select(l => (l.GetProperty("service").GetString(), l.GetProperty("port").GetInt32())).ToList();
        Assert.Contains(("http", web.Http), ports);
        Assert.Contains(("https", web.Https), ports);

        Assert.Equal(0, status.GetProperty("accounts").GetInt32());
        Assert.Equal("Ready: pair the first device", status.GetProperty("health").GetString());
        var queue = status.GetProperty("queue");
        Assert.Equal(0, queue.GetProperty("queued").GetInt32());
        Assert.Equal(0, queue.GetProperty("deferred").GetInt32());
        Assert.False(queue.TryGetProperty("oldest", out _));
        var storage = status.GetProperty("storage");
        Assert.True(storage.GetProperty("usedByMailBytes").GetInt64() > 0);
        Assert.True(storage.GetProperty("freeBytes").GetInt64() > 0);
        Assert.Equal(256L * 1024 * 1024, storage.GetProperty("minFreeBytes").GetInt64());
        Assert.Equal("off", status.GetProperty("leds").GetProperty("mail").GetProperty("pattern").GetString());
        Assert.Equal("double-blink", status.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString());
        Assert.False(status.GetProperty("pairing").GetProperty("open").GetBoolean());
        Assert.Equal(120, status.GetProperty("pairing").GetProperty("windowSeconds").GetInt32());

        // The same fingerprint as `edgemail status --json`, which reads the certificate file.
        var (code, stdout, stderr) = await web.RunAsync("status", "--json");
        Assert.True(code == 0, stderr);
        using var cli = JsonDocument.Parse(stdout);
        Assert.Equal(cli.RootElement.GetProperty("tlsFingerprintSha256").GetString(), status.GetProperty("tls").GetProperty("serverFingerprintSha256").GetString());

        // The virtual pins, from loopback with the Virtual driver: the two LEDs and the button (pulled up: high).
        var pins = status.GetProperty("pins");
        Assert.Equal(["17", "22", "27"], pins.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, pins.GetProperty("22").GetInt32());
        Assert.Equal(0, pins.GetProperty("17").GetInt32());

        // The HTML view carries the same facts without any script.
        var html = await web.Client.GetStringAsync("/");
        Assert.Contains("Ready: pair the first device", html, StringComparison.Ordinal);
        Assert.Contains(status.GetProperty("tls").GetProperty("serverFingerprintSha256").GetString()!, html, StringComparison.Ordinal);
        Assert.Contains($"imap 127.0.0.1:{web.Imap} (STARTTLS)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_box_ca_is_downloadable_and_the_https_page_verifies_against_it_alone_with_the_host_name()
    {
        await using var web = await WebServe.StartAsync();
        var status = await web.StatusAsync();
        var caFingerprint = status.GetProperty("tls").GetProperty("caFingerprintSha256").GetString();

        using var der = await web.Client.GetAsync("/ca.crt");
        Assert.Equal(HttpStatusCode.OK, der.StatusCode);
        Assert.Equal("application/x-x509-ca-cert", der.Content.Headers.ContentType?.MediaType);
        using var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(await der.Content.ReadAsByteArrayAsync());
        Assert.Equal(caFingerprint, Convert.ToHexString(ca.GetCertHash(System.Security.Cryptography.HashAlgorithmName.SHA256)).Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b));
        var pem = await web.Client.GetStringAsync("/ca.pem");
        Assert.Equal(ca.RawData, System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(pem).RawData);

        // The page's HTTPS, trusting only that CA, with the name checked (localhost is in the certificate).
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
            {
                if ((errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != System.Net.Security.SslPolicyErrors.None || certificate is null)
                {
                    return false;
                }
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://localhost:{web.Https}") };
        var page = await https.GetStringAsync("/");
        Assert.Contains(caFingerprint!, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Holding_the_button_through_the_hook_opens_the_window_and_the_event_stream_shows_it()
    {
        await using var web = await WebServe.StartAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var events = new HttpClient { BaseAddress = web.Client.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await events.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var first = await NextStatusAsync(reader, timeout.Token);
        Assert.False(first.GetProperty("pairing").GetProperty("open").GetBoolean());

        // A hold of 3.2 s (HoldForPairing is 3 s) through the same debounce and gesture machine as a finger.
        using var press = await web.Client.PostAsJsonAsync("/api/device/button", new { holdMs = 3200 }, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, press.StatusCode);

        JsonElement next;
        do
        {
            next = await NextStatusAsync(reader, timeout.Token);
        }
        while (!next.GetProperty("pairing").GetProperty("open").GetBoolean());
        Assert.InRange(next.GetProperty("pairing").GetProperty("secondsLeft").GetInt32(), 100, 120);
        Assert.Equal("fast-blink", next.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString());

        var status = await web.StatusAsync();
        Assert.True(status.GetProperty("pairing").GetProperty("open").GetBoolean());

        // `edgemail status --json` on the running service says the same.
        var (code, stdout, stderr) = await web.RunAsync("status", "--json");
        Assert.True(code == 0, stderr);
        using (var cli = JsonDocument.Parse(stdout))
        {
            Assert.True(cli.RootElement.GetProperty("pairing").GetProperty("open").GetBoolean());
            Assert.Equal("fast-blink", cli.RootElement.GetProperty("device").GetProperty("statusLed").GetProperty("pattern").GetString());
        }
        Assert.Contains(status.GetProperty("device").GetProperty("button").GetProperty("lastEvent").GetString(), new[] { "held", "released" });

        // A second hold closes it, and the stream says so too.
        using var again = await web.Client.PostAsJsonAsync("/api/device/button", new { holdMs = 3200 }, timeout.Token);
        do
        {
            next = await NextStatusAsync(reader, timeout.Token);
        }
        while (next.GetProperty("pairing").GetProperty("open").GetBoolean());
        Assert.Equal("double-blink", next.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task The_pairing_api_refuses_outside_a_window_and_its_app_password_logs_in_over_imap()
    {
        await using var web = await WebServe.StartAsync();
        using (var closed = await web.PairApiAsync(Admin, AdminPassword, "Laptop"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
            Assert.Contains("no pairing window is open", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        await web.OpenWindowAsync();
        using (var outside = await web.PairApiAsync("someone@elsewhere.test", AdminPassword, "Laptop"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        }

        using var paired = await web.PairApiAsync(Admin, AdminPassword, "Laptop");
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        var answer = await paired.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(answer.GetProperty("createdAccount").GetBoolean());
        Assert.Equal(Admin, answer.GetProperty("account").GetString());
        var appPassword = answer.GetProperty("appPassword").GetString()!;
        Assert.Equal(Admin, answer.GetProperty("settings").GetProperty("userName").GetString());
        var servers = answer.GetProperty("settings").GetProperty("servers").EnumerateArray()
            .Select(s => (s.GetProperty("protocol").GetString(), s.GetProperty("port").GetInt32(), s.GetProperty("security").GetString())).ToList();
        Assert.Equal([("imap", web.Imap, "starttls"), ("smtp", web.Submission, "starttls")], servers);
        Assert.Equal("localhost", answer.GetProperty("settings").GetProperty("hostName").GetString());
        Assert.Matches($"^https://localhost:{web.Https}/p/[A-Za-z0-9_-]{{22}}$", answer.GetProperty("phoneLink").GetString());

        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", web.Imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(Admin, appPassword);
            Assert.True(imap.IsAuthenticated);
        }

        // The same device name again is a conflict; an app password cannot pair more devices.
        using (var taken = await web.PairApiAsync(Admin, AdminPassword, "Laptop"))
        {
            Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        }
        using (var withApp = await web.PairApiAsync(Admin, appPassword, "Tablet"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, withApp.StatusCode);
        }

        var (code, stdout, _) = await web.RunAsync("device", "list", Admin);
        Assert.Equal(0, code);
        Assert.Contains("Laptop", stdout, StringComparison.Ordinal);
        Assert.Equal(1, (await web.StatusAsync()).GetProperty("accounts").GetInt32());
    }

    [Fact]
    public async Task The_form_needs_its_csrf_token_and_the_phone_link_gives_a_second_password_once()
    {
        await using var web = await WebServe.StartAsync();
        var closedPage = await web.Client.GetStringAsync("/pair");
        Assert.Contains("Hold the button on the box for 3 seconds", closedPage, StringComparison.Ordinal);

        await web.OpenWindowAsync();
        var form = await web.Client.GetStringAsync("/pair");
        Assert.Contains("This box has no account yet", form, StringComparison.Ordinal);
        var csrf = WebServe.CsrfOf(form);

        // Without the token (a forged cross-site form), nothing happens.
        using (var forged = await web.Client.PostAsync("/pair", WebServe.Form(("account", Admin), ("password", AdminPassword), ("device", "Laptop"))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        }
        using (var otherOrigin = new HttpRequestMessage(HttpMethod.Post, "/pair") { Content = WebServe.Form(("csrf", csrf), ("account", Admin), ("password", AdminPassword), ("device", "Laptop")) })
        {
            otherOrigin.Headers.Add("Origin", "http://evil.example");
            using var refused = await web.Client.SendAsync(otherOrigin);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(0, (await web.StatusAsync()).GetProperty("accounts").GetInt32());

        using var paired = await web.Client.PostAsync("/pair", WebServe.Form(("csrf", csrf), ("account", Admin), ("password", AdminPassword), ("device", "Laptop")));
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);
        Assert.Equal("no-store", paired.Headers.CacheControl?.ToString());
        var answer = await paired.Content.ReadAsStringAsync();
        var laptopPassword = AppPassword().Match(answer).Groups[1].Value;
        Assert.NotEmpty(laptopPassword);
        var link = DataLink().Match(answer).Groups[1].Value;
        var stateUrl = StateUrl().Match(answer).Groups[1].Value;
        Assert.StartsWith($"https://localhost:{web.Https}/p/", link, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", answer, StringComparison.Ordinal);
        Assert.Equal("waiting", (await web.Client.GetFromJsonAsync<JsonElement>(stateUrl)).GetProperty("state").GetString());

        // The Apple profile with the password in it downloads once, then is gone.
        var profileUrl = ProfileLink().Match(answer).Groups[1].Value;
        using (var profile = await web.Client.GetAsync(profileUrl))
        {
            Assert.Equal(HttpStatusCode.OK, profile.StatusCode);
            Assert.Equal("application/x-apple-aspen-config", profile.Content.Headers.ContentType?.MediaType);
            var plist = await profile.Content.ReadAsStringAsync();
            Assert.Contains("<key>IncomingPassword</key>", plist, StringComparison.Ordinal);
            Assert.Contains($"<string>{laptopPassword}</string>", plist, StringComparison.Ordinal);
            Assert.Contains("com.apple.security.root", plist, StringComparison.Ordinal);
        }
        using (var twice = await web.Client.GetAsync(profileUrl))
        {
            Assert.Equal(HttpStatusCode.Gone, twice.StatusCode);
        }

        // The phone opens the link (a GET never redeems), then asks for its password.
        var path = new Uri(link).AbsolutePath;
        var phonePage = await web.Client.GetStringAsync(path);
        Assert.Contains(Admin, phonePage, StringComparison.Ordinal);
        Assert.Contains(Admin, await web.Client.GetStringAsync(path), StringComparison.Ordinal);
        using var phone = await web.Client.PostAsync(path, WebServe.Form(("csrf", WebServe.CsrfOf(phonePage)), ("device", "Phone")));
        Assert.Equal(HttpStatusCode.OK, phone.StatusCode);
        var phonePassword = AppPassword().Match(await phone.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.NotEmpty(phonePassword);
        Assert.NotEqual(laptopPassword, phonePassword);
        Assert.Equal("used", (await web.Client.GetFromJsonAsync<JsonElement>(stateUrl)).GetProperty("state").GetString());

        // Once only.
        using (var again = await web.Client.PostAsync(path, WebServe.Form(("csrf", WebServe.CsrfOf(phonePage)), ("device", "Phone 2"))))
        {
            Assert.Equal(HttpStatusCode.Gone, again.StatusCode);
        }
        using (var reopen = await web.Client.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.Gone, reopen.StatusCode);
        }

        foreach (var password in new[] { laptopPassword, phonePassword })
        {
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", web.Imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(Admin, password);
        }
        var (_, devices, _) = await web.RunAsync("device", "list", Admin);
        Assert.Contains("Phone", devices, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_passwords_on_the_pairing_api_are_throttled_like_any_login()
    {
        await using var web = await WebServe.StartWithUserAsync(Admin, AdminPassword,
            "--Auth:Throttle:FreeFailures=1", "--Auth:Throttle:BaseDelay=00:00:00.010", "--Auth:Throttle:MaxDelay=00:00:00.020", "--Auth:Throttle:LockoutFailures=3");
        await web.OpenWindowAsync();

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 3; i++)
        {
            using var wrong = await web.PairApiAsync(Admin, $"wrong password {i}", "Laptop");
            statuses.Add(wrong.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized], statuses);

        // The address is locked now: even the right password is refused unchecked.
        using var locked = await web.PairApiAsync(Admin, AdminPassword, "Laptop");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
    }

    [Fact]
    public async Task Without_the_virtual_driver_the_button_hook_and_the_pins_do_not_exist()
    {
        await using var web = await WebServe.StartAsync("--Device:Gpio:Driver=LibGpiod", "--Device:Gpio:Chip=63");
        using var press = await web.Client.PostAsJsonAsync("/api/device/button", new { holdMs = 10 });
        Assert.Equal(HttpStatusCode.NotFound, press.StatusCode);
        using var pins = await web.Client.GetAsync("/api/device/pins/events");
        Assert.Equal(HttpStatusCode.NotFound, pins.StatusCode);
        Assert.False((await web.StatusAsync()).TryGetProperty("pins", out _));
    }

    private static async Task<JsonElement> NextStatusAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (name, data) = await WebServe.NextEventAsync(reader, cancellationToken);
            if (name == "status")
            {
                return data;
            }
        }
    }

    [GeneratedRegex("id=\"app-password\">([a-z0-9-]+)<")]
    private static partial Regex AppPassword();

    [GeneratedRegex("data-link=\"([^\"]+)\"")]
    private static partial Regex DataLink();

    [GeneratedRegex("id=\"apple-profile\" href=\"([^\"]+)\"")]
    private static partial Regex ProfileLink();

    [GeneratedRegex("data-state-url=\"([^\"]+)\"")]
    private static partial Regex StateUrl();
}
