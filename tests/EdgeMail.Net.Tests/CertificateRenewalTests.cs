using System.Net;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests;

// The CA-issued certificate renews itself on the provider's clock, and listeners that are already running serve
// the new one from their next handshake on.
public sealed class CertificateRenewalTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CollectingLoggerFactory _logs = new();
    private IReadOnlyList<IPAddress> _lan = [IPAddress.Parse("10.0.0.5")];

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Near_expiry_a_new_certificate_is_served_on_the_next_handshake_without_restarting_the_listener()
    {
        using var provider = Create();
        int renewals = 0;
        provider.Renewed += (_, _) => renewals++;
        await using var listener = await TestListener.StartAsync(new EchoHandler(), TlsMode.Implicit, certificates: provider, name: "imaps");
        await using var before = await LineClient.ConnectTlsAsync(listener.EndPoint);
        await before.ExpectLineAsync("HELLO imaps secure=True");
        string old = CertificateProvider.FormatFingerprint(before.ServerCertificate!);
        Assert.Equal(provider.Sha256Fingerprint, old);

        _time.Advance(TimeSpan.FromDays(365)); // 31 days left: kept
        Assert.Equal(0, renewals);
        Assert.Equal(old, provider.Sha256Fingerprint);

        _time.Advance(TimeSpan.FromDays(2)); // 29 days left: renewed at the next hourly check
        Assert.Equal(1, renewals);
        Assert.NotEqual(old, provider.Sha256Fingerprint);
        Assert.InRange(provider.Certificate.NotAfter.ToUniversalTime(), _time.GetUtcNow().AddDays(395).UtcDateTime, _time.GetUtcNow().AddDays(397).UtcDateTime);

        await using var after = await LineClient.ConnectTlsAsync(listener.EndPoint);
        await after.ExpectLineAsync("HELLO imaps secure=True");
        Assert.Equal(provider.Sha256Fingerprint, CertificateProvider.FormatFingerprint(after.ServerCertificate!));
        // The connection made before carries on with the certificate it was given.
        await before.SendAsync("INFO\r\n");
        Assert.StartsWith("INFO secure=True", await before.ReadLineAsync());
        Assert.Equal(provider.Sha256Fingerprint, CertificateProvider.ReadFingerprint(new TlsOptions(), _data.Path));
    }

    [Fact]
    public async Task An_address_change_renews_and_STARTTLS_on_a_connection_opened_before_gets_the_new_certificate()
    {
        using var provider = Create();
        await using var listener = await TestListener.StartAsync(new EchoHandler(), certificates: provider, name: "submission");
        await using var opened = await listener.ConnectAndGreetAsync();
        string old = provider.Sha256Fingerprint;

        _time.Advance(TimeSpan.FromHours(1)); // same addresses: nothing to do
        Assert.Equal(old, provider.Sha256Fingerprint);

        _lan = [IPAddress.Parse("10.0.0.6"), IPAddress.Parse("2001:db8::6")];
        _time.Advance(TimeSpan.FromHours(1));

        Assert.NotEqual(old, provider.Sha256Fingerprint);
        var addresses = provider.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().ToList();
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("10.0.0.6"), IPAddress.Parse("2001:db8::6")], addresses);
        await opened.SendAsync("STARTTLS\r\n");
        await opened.ExpectLineAsync("OK begin TLS");
        await opened.StartTlsAsync();
        Assert.Equal(provider.Sha256Fingerprint, CertificateProvider.FormatFingerprint(opened.ServerCertificate!));
        using var chain = Certificates.LocalAuthorityTests.TrustingOnly(provider.Authority!);
        Assert.True(chain.Build(provider.Certificate));
    }

    [Fact]
    public void A_restart_with_the_same_addresses_keeps_the_certificate_and_new_addresses_renew_it_at_start()
    {
        string first;
        using (var provider = Create())
        {
            first = provider.Sha256Fingerprint;
        }

        using (var again = Create())
        {
            Assert.Equal(first, again.Sha256Fingerprint);
        }

        _lan = [IPAddress.Parse("10.0.0.7")];
        using var moved = Create();
        Assert.NotEqual(first, moved.Sha256Fingerprint);
        Assert.Contains(IPAddress.Parse("10.0.0.7"), moved.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
    }

    [Fact]
    public void In_the_CA_last_month_the_certificate_ends_with_the_CA_and_is_not_reissued_every_hour()
    {
        using var provider = Create();
        int renewals = 0;
        provider.Renewed += (_, _) => renewals++;
        var caEnd = provider.Authority!.NotAfter.ToUniversalTime();

        _time.Advance(caEnd - _time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(20));
        Assert.Equal(1, renewals);
        Assert.Equal(caEnd, provider.Certificate.NotAfter.ToUniversalTime());

        _time.Advance(TimeSpan.FromHours(1));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, renewals);
    }

    [Fact]
    public void A_configured_certificate_is_never_renewed()
    {
        using var source = new TempFolder();
        using (Create(source.Path))
        {
        }
        var options = new TlsOptions
        {
            CertificatePath = Path.Combine(source.Path, "tls", CertificateProvider.GeneratedCertificateFileName),
            KeyPath = Path.Combine(source.Path, "tls", CertificateProvider.GeneratedKeyFileName),
        };
        using var provider = new CertificateProvider(options, _data.Path, null, _time, () => _lan);
        string fingerprint = provider.Sha256Fingerprint;

        _lan = [IPAddress.Parse("10.9.9.9")];
        _time.Advance(TimeSpan.FromDays(390));

        Assert.False(provider.RenewIfNeeded());
        Assert.Equal(fingerprint, provider.Sha256Fingerprint);
    }

    private CertificateProvider Create(string? data = null) =>
        new(new TlsOptions(), data ?? _data.Path, _logs.CreateLogger<CertificateProvider>(), _time, () => _lan);
}
