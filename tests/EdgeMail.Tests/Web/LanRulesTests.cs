using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Auth;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Pairing;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;
using EdgeMail.Testing;
using EdgeMail.Web;
using EdgeMail.Web.Hosting;
using EdgeMail.Web.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Tests.Web;

/// <summary>
/// What a client on the LAN (not loopback) may do over plain HTTP: the status view, /ca.crt and autoconfig, but nothing
/// that takes or shows a password (a redirect to HTTPS, or 403), and no test hook. The page runs in-process, on
/// loopback sockets, with a middleware that gives each request the remote address the test names (the X-Test-Remote
/// header), as the tests cannot reach the box from a LAN address.
/// </summary>
public sealed class LanRulesTests : IAsyncLifetime
{
    private const string Lan = "192.168.1.20";
    private readonly TempFolder _data = new();
    private readonly int _http = EdgeMailProcess.FreePort();
    private readonly int _https = EdgeMailProcess.FreePort();
    private MailStore _store = null!;
    private WebServer _server = null!;
    private ServiceProvider _services = null!;
    private X509Certificate2 _certificate = null!;

    public async Task InitializeAsync()
    {
        var time = TimeProvider.System;
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, time);
        var throttle = new LoginThrottleOptions();
        var authenticator = new Authenticator(_store, new LoginThrottle(throttle, time), new AuthOptions { Throttle = throttle }, time);
        var window = new PairingWindow(new PairingOptions(), time);
        window.Open();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _certificate = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        var options = new WebOptions { Port = _http, TlsPort = _https };
        var services = new ServiceCollection();
        services.AddSingleton(time);
        services.AddSingleton(_store);
        services.AddSingleton(authenticator);
        services.AddSingleton(window);
        services.AddSingleton(new PairingService(_store, authenticator, window, ["example.org"]));
        var twoFactor = new EdgeMail.Auth.TwoFactor.TwoFactorService(_store, time);
        services.AddSingleton(twoFactor);
        services.AddSingleton(new EdgeMail.Auth.Admin.AdminLogin(_store, authenticator, twoFactor));
        services.AddSingleton<IBoxInfo>(new FakeBox());
        services.AddSingleton<IBoxCertificates>(new FakeCertificates(_certificate));
        services.AddSingleton<IQueueControl>(new FakeQueue());
        services.AddSingleton<IRecentLog>(new FakeLog());
        services.AddWebPage(options, new WebEndpoints([IPAddress.Loopback]));
        _services = services.BuildServiceProvider();
        _server = new WebServer(options, new WebEndpoints([IPAddress.Loopback]), _services, NullLoggerFactory.Instance)
        {
            BeforeRoutes = app => app.Use((context, next) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Remote", out var remote))
                {
                    context.Connection.RemoteIpAddress = IPAddress.Parse(remote.ToString());
                }
                return next(context);
            }),
        };
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        await _services.DisposeAsync();
        await _store.DisposeAsync();
        _certificate.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Plain_http_from_the_lan_shows_the_status_but_sends_password_pages_to_https()
    {
        using var http = Client($"http://127.0.0.1:{_http}", Lan);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/status")).StatusCode);

        foreach (var path in new[] { "/pair", "/admin", "/p/sometoken" })
        {
            using var redirect = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
            Assert.Equal($"https://127.0.0.1:{_https}{path}", redirect.Headers.Location?.ToString());
        }

        using var api = await http.PostAsJsonAsync("/api/pair", new { account = "a@example.org", password = "a long password", deviceName = "Phone" });
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Contains("HTTPS only", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await _store.ListAccountsAsync());

        using var form = await http.PostAsync("/admin/login", new FormUrlEncodedContent([new("account", "a@example.org"), new("password", "a long password")]));
        Assert.Equal(HttpStatusCode.Forbidden, form.StatusCode);

        // The test hook is loopback-only (and Virtual-only): from the LAN it does not exist.
        using var hook = await http.PostAsJsonAsync("/api/device/button", new { holdMs = 10 });
        Assert.Equal(HttpStatusCode.NotFound, hook.StatusCode);
    }

    [Fact]
    public async Task Https_from_the_lan_and_plain_http_from_loopback_may_pair()
    {
        using var https = Client($"https://127.0.0.1:{_https}", Lan);
        using var page = await https.GetAsync("/pair");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("This box has no account yet", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var paired = await https.PostAsJsonAsync("/api/pair", new { account = "a@example.org", password = "a long password", deviceName = "Phone" });
        Assert.Equal(HttpStatusCode.OK, paired.StatusCode);

        using var loopback = Client($"http://127.0.0.1:{_http}", remote: null);
        Assert.Equal(HttpStatusCode.OK, (await loopback.GetAsync("/pair")).StatusCode);
    }

    private static HttpClient Client(string baseAddress, string? remote)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        var client = new HttpClient(handler) { BaseAddress = new Uri(baseAddress), Timeout = TimeSpan.FromSeconds(30) };
        if (remote is not null)
        {
            client.DefaultRequestHeaders.Add("X-Test-Remote", remote);
        }
        return client;
    }

    private sealed class FakeBox : IBoxInfo
    {
        public string Version => "test";

        public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

        public IReadOnlyList<string> Domains => ["example.org"];

        public IReadOnlyList<ServiceListener> GetMailListeners() => [];

        public StorageUse GetStorage() => new(0, null, 0);

        public MailPorts GetMailPorts() => new(143, 993, 110, 995, 587, 465);
    }

    private sealed class FakeCertificates(X509Certificate2 certificate) : IBoxCertificates
    {
        public X509Certificate2 ServerCertificate => certificate;

        public string ServerFingerprint => "AA";

        public byte[]? AuthorityDer => null;

        public string? AuthorityFingerprint => null;
    }

    private sealed class FakeQueue : IQueueControl
    {
        public Task<int> RetryNowAsync(CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<bool> DeleteAsync(long id, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private sealed class FakeLog : IRecentLog
    {
        public IReadOnlyList<LogLine> Lines() => [];
    }
}
