using System.Diagnostics;
using System.Security.Authentication;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

public sealed class MailListenerServiceTlsTests : IDisposable
{
    private readonly TempFolder _data = new();
    private readonly CertificateProvider _certificates;

    public MailListenerServiceTlsTests()
    {
        _certificates = new CertificateProvider(new TlsOptions(), _data.Path);
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Implicit_TLS_endpoint_presents_the_generated_certificate_before_any_byte()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler(), TlsMode.Implicit, certificates: _certificates, name: "imaps");

        await using var client = await LineClient.ConnectTlsAsync(listener.EndPoint);

        Assert.Equal(_certificates.Sha256Fingerprint, CertificateProvider.FormatFingerprint(client.ServerCertificate!));
        Assert.True(client.TlsProtocol is SslProtocols.Tls12 or SslProtocols.Tls13, $"negotiated {client.TlsProtocol}");
        await client.ExpectLineAsync("HELLO imaps secure=True");
        await client.SendAsync("INFO\r\n");
        Assert.StartsWith($"INFO secure=True loopback=True endpoint=imaps remote=127.0.0.1 tls={client.TlsProtocol}", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Implicit_TLS_handshake_that_never_starts_is_closed_after_the_handshake_timeout()
    {
        var handler = new EchoHandler();
        var options = new NetOptions { TlsHandshakeTimeout = TimeSpan.FromMilliseconds(300) };
        await using var listener = await TestListener.StartAsync(handler, TlsMode.Implicit, options, certificates: _certificates);
        await using var client = await listener.ConnectAsync();
        var watch = Stopwatch.StartNew();

        Assert.Empty(await client.ReadUntilClosedAsync());

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
        Assert.Equal(0, handler.Runs);
    }

    [Fact]
    public async Task Plaintext_sent_to_an_implicit_TLS_endpoint_is_dropped_and_TLS_clients_are_still_served()
    {
        var handler = new EchoHandler();
        await using var listener = await TestListener.StartAsync(handler, TlsMode.Implicit, certificates: _certificates);
        await using (var plain = await listener.ConnectAsync())
        {
            await plain.SendAsync("a1 LOGIN user password\r\n");
            var reply = await plain.ReadUntilClosedAsync();
            Assert.DoesNotContain(reply, line => line.Contains("HELLO", StringComparison.Ordinal));
        }

        await using var client = await LineClient.ConnectTlsAsync(listener.EndPoint);
        await client.ExpectLineAsync("HELLO echo secure=True");
        Assert.Equal(1, handler.Runs);
    }

    [Fact]
    public async Task StartTls_upgrades_the_connection_and_lines_continue_over_TLS()
    {
        await using var listener = await TestListener.StartAsync(new EchoHandler(), certificates: _certificates, name: "submission");
        await using var client = await listener.ConnectAsync();
        await client.ExpectLineAsync("HELLO submission secure=False");

        await client.SendAsync("STARTTLS\r\n");
        await client.ExpectLineAsync("OK begin TLS");
        await client.StartTlsAsync();

        Assert.Equal(_certificates.Sha256Fingerprint, CertificateProvider.FormatFingerprint(client.ServerCertificate!));
        await client.SendAsync("INFO\r\nSTARTTLS\r\n");
        Assert.StartsWith("INFO secure=True", await client.ReadLineAsync());
    }

    [Fact]
    public async Task StartTls_with_pipelined_plaintext_after_it_closes_the_connection_without_answering_it()
    {
        var handler = new EchoHandler();
        await using var listener = await TestListener.StartAsync(handler, certificates: _certificates);
        await using var client = await listener.ConnectAndGreetAsync();

        await client.SendAsync("STARTTLS\r\nECHO injected\r\n");

        await client.ExpectLineAsync("OK begin TLS");
        Assert.Empty(await client.ReadUntilClosedAsync());
        await Eventually.TrueAsync(() => handler.StartTlsInjections == 1);
    }

    [Fact]
    public async Task StartTls_handshake_that_never_starts_ends_the_connection_after_the_handshake_timeout()
    {
        var options = new NetOptions { TlsHandshakeTimeout = TimeSpan.FromMilliseconds(300) };
        await using var listener = await TestListener.StartAsync(new EchoHandler(), options: options, certificates: _certificates);
        await using var client = await listener.ConnectAndGreetAsync();

        // Timed from before the command: the server's handshake timer cannot start earlier, however late
        // a busy machine delivers the go-ahead to this client.
        var watch = Stopwatch.StartNew();
        await client.SendAsync("STARTTLS\r\n");
        await client.ExpectLineAsync("OK begin TLS");

        Assert.Empty(await client.ReadUntilClosedAsync());

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
        Assert.Contains(listener.Entries, e => e.Exception is TimeoutException);
    }
}
