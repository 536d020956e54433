using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// What a stranger can make the server log as fast as it connects, with no password and from one address: connections
/// refused at the per-address limit, STARTTLS injections, connections reset after the greeting. Each wrote a line
/// (26,000 in 3 s from one address at the limit); now the first of each kind from an address is logged and the rest
/// summed up once a minute (the network layer's ClientEventLog), and a vanished client is not a warning.
/// </summary>
public sealed class LogFloodTests : IAsyncLifetime
{
    private const int PerAddress = 8;
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync(
        [$"Network:MaxConnectionsPerAddress={PerAddress}", "Network:LoopbackExemptFromAddressLimit=false"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Hammering_at_the_limit_injecting_after_STARTTLS_and_resetting_log_a_line_per_address_not_per_connection()
    {
        const string Hammer = "127.0.3.1", Injector = "127.0.3.2";
        var held = new List<LoopbackClient>();
        for (var i = 0; i < PerAddress; i++)
        {
            var client = await LoopbackClient.ConnectAsync(Hammer, _server.Pop3);
            held.Add(client);
            Assert.StartsWith("+OK", await client.ReadLineAsync());
        }

        for (var i = 0; i < 300; i++)
        {
            await using var refused = await LoopbackClient.ConnectAsync(Hammer, i % 2 == 0 ? _server.Imap : _server.Smtp);
            Assert.Matches(@"^(\* BYE|421 )", await refused.ReadLineAsync() ?? "(closed)");
        }

        for (var i = 0; i < 100; i++)
        {
            var outcome = await StartTlsProbe.RunAsync(i % 2 == 0 ? MailProtocol.Smtp : MailProtocol.Pop3, Injector, i % 2 == 0 ? _server.Smtp : _server.Pop3);
            Assert.False(outcome.Handshake);
        }

        // Connections reset at once after the greeting (SO_LINGER 0), as a scanner does.
        for (var i = 0; i < 100; i++)
        {
            using var reset = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            reset.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Parse("127.0.3.3"), 0));
            await reset.ConnectAsync(System.Net.IPAddress.Loopback, _server.Smtp);
            await reset.ReceiveAsync(new byte[512], System.Net.Sockets.SocketFlags.None);
            reset.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        }

        foreach (var client in held)
        {
            await client.DisposeAsync();
        }

        var log = (await _server.StopAsync()).Split('\n');
        Assert.DoesNotContain(log, l => l.Contains(" closed: ", StringComparison.Ordinal) && l.Contains("reset", StringComparison.OrdinalIgnoreCase));

        // The first of each at once, the rest in one summary line (written at the latest when the service stops).
        Assert.Single(log, l => l.Contains($"Connection from {Hammer}:", StringComparison.Ordinal) && l.Contains("refused", StringComparison.Ordinal));
        Assert.Single(log, l => l.Contains($"299 more connection(s) from {Hammer} refused", StringComparison.Ordinal));
        Assert.Single(log, l => l.Contains($"from {Injector}:", StringComparison.Ordinal) && l.Contains("CVE-2011-0411", StringComparison.Ordinal));
        Assert.Single(log, l => l.Contains($"99 more STARTTLS injection(s) (CVE-2011-0411) from {Injector}", StringComparison.Ordinal));
        Assert.True(log.Count(l => l.Contains(Hammer, StringComparison.Ordinal) || l.Contains(Injector, StringComparison.Ordinal)) <= 4);
    }

}
