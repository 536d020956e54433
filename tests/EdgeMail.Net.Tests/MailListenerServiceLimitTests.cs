using System.Net;
using EdgeMail.Net.Tests.Support;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests;

public sealed class MailListenerServiceLimitTests
{
    [Fact]
    public async Task Connection_over_the_per_address_limit_gets_the_handler_reply_and_is_closed()
    {
        var handler = new EchoHandler();
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 2);
        await using var listener = await TestListener.StartAsync(handler, limiter: limiter);
        await using var first = await listener.ConnectAndGreetAsync();
        await using var second = await listener.ConnectAndGreetAsync();

        await using (var third = await listener.ConnectAsync())
        {
            Assert.Equal(["BUSY TooManyConnectionsFromAddress"], await third.ReadUntilClosedAsync());
        }

        // Another address is counted apart (Linux routes all of 127/8 to loopback).
        await using var other = await listener.ConnectAsync(IPAddress.Parse("127.0.0.2"));
        await other.ExpectLineAsync("HELLO echo secure=False");
        Assert.Equal((3, 1), (handler.Runs, handler.Rejects));
    }

    [Fact]
    public async Task Closing_a_connection_frees_its_slot()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 1);
        await using var listener = await TestListener.StartAsync(new EchoHandler(), limiter: limiter);
        await using (var first = await listener.ConnectAndGreetAsync())
        {
            await first.SendAsync("QUIT\r\n");
            await first.ReadUntilClosedAsync();
        }

        await Eventually.TrueAsync(() => limiter.Count == 0);
        await using var next = await listener.ConnectAsync();
        await next.ExpectLineAsync("HELLO echo secure=False");
    }

    [Fact]
    public async Task Global_limit_is_shared_by_all_endpoints()
    {
        var limiter = new ConnectionLimiter(maxConnections: 2, maxConnectionsPerAddress: 10);
        await using var imap = await TestListener.StartAsync(new EchoHandler(), limiter: limiter, name: "imap");
        await using var pop3 = await TestListener.StartAsync(new EchoHandler(), limiter: limiter, name: "pop3");
        await using var first = await imap.ConnectAndGreetAsync();
        await using var second = await pop3.ConnectAndGreetAsync();

        await using var third = await imap.ConnectAsync();

        Assert.Equal(["BUSY TooManyConnections"], await third.ReadUntilClosedAsync());
        Assert.Equal(2, limiter.Count);
    }

    [Fact]
    public async Task Refused_connection_on_an_implicit_TLS_endpoint_is_closed_without_a_handshake()
    {
        using var data = new TempFolder();
        using var certificates = new CertificateProvider(new TlsOptions(), data.Path);
        var handler = new EchoHandler();
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 1);
        await using var listener = await TestListener.StartAsync(handler, TlsMode.Implicit, limiter: limiter, certificates: certificates);
        await using var first = await LineClient.ConnectTlsAsync(listener.EndPoint);
        await first.ExpectLineAsync("HELLO echo secure=True");

        await using var refused = await listener.ConnectAsync();

        Assert.Empty(await refused.ReadUntilClosedAsync());
        Assert.Equal(0, handler.Rejects);
    }

    [Fact]
    public async Task Hammering_at_the_limit_logs_one_line_for_the_address_not_one_per_connection()
    {
        var limiter = new ConnectionLimiter(maxConnections: 100, maxConnectionsPerAddress: 1);
        await using var listener = await TestListener.StartAsync(new EchoHandler(), limiter: limiter);
        await using var held = await listener.ConnectAndGreetAsync();
        for (var i = 0; i < 50; i++)
        {
            await using var refused = await listener.ConnectAsync();
            Assert.Equal(["BUSY TooManyConnectionsFromAddress"], await refused.ReadUntilClosedAsync());
        }

        Assert.Single(listener.Entries, e => e.Message.Contains("refused: TooManyConnectionsFromAddress", StringComparison.Ordinal));
    }
}
