using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Silent connections up to the network layer's limits (Network:MaxConnectionsPerAddress and MaxConnections; loopback
/// not exempt here, so that 127.x addresses stand for LAN hosts): past a limit each protocol refuses with its own
/// closing line, the silent ones are closed at their timeouts with the protocol's reply, and the user, from an
/// address of their own, is served all along. POP3's silent connections stay: RFC 1939 §3 sets 10 minutes as the
/// least autologout, so only its refusal at the limit is checked here.
/// </summary>
public sealed class ConnectionFloodTests : IAsyncLifetime
{
    private const int PerAddress = 8;
    private const int Total = 30;
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync(
    [
        $"Network:MaxConnections={Total}", $"Network:MaxConnectionsPerAddress={PerAddress}", "Network:LoopbackExemptFromAddressLimit=false",
        // Short enough for a test, long enough that the user's sessions, busy all along, never meet them.
        "Imap:UnauthenticatedTimeout=00:00:03", "Smtp:CommandTimeout=00:00:04",
    ]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Silent_connections_from_one_address_stop_at_its_limit_and_time_out_while_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        const string Attacker = "127.0.1.1";
        var silent = new List<(LoopbackClient Client, MailProtocol Protocol)>();
        try
        {
            // Eight silent connections fill the address's quota: three IMAP, three SMTP, two POP3.
            foreach (var protocol in new[] { MailProtocol.Imap, MailProtocol.Imap, MailProtocol.Imap, MailProtocol.Smtp, MailProtocol.Smtp, MailProtocol.Smtp, MailProtocol.Pop3, MailProtocol.Pop3 })
            {
                var client = await LoopbackClient.ConnectAsync(Attacker, Port(protocol));
                silent.Add((client, protocol));
                Assert.Matches(Greeting(protocol), await client.ReadLineAsync() ?? "(closed)");
            }

            // The ninth, on each protocol, is told to come back later and closed.
            var refusals = new Dictionary<MailProtocol, string?>();
            var attack = Task.Run(async () =>
            {
                foreach (var protocol in Enum.GetValues<MailProtocol>())
                {
                    await using var extra = await LoopbackClient.ConnectAsync(Attacker, Port(protocol));
                    refusals[protocol] = await extra.ReadLineAsync();
                    Assert.True(await extra.ClosesAsync(), $"{protocol}: the refused connection stayed open");
                }

                // Then the silent IMAP and SMTP connections are closed at their timeouts, each with its protocol's line.
                foreach (var (client, protocol) in silent.Where(s => s.Protocol != MailProtocol.Pop3))
                {
                    Assert.Matches(TimeoutReply(protocol), Assert.Single(await LinesUntilClosedAsync(client)));
                }
            });
            var rounds = await user.WorkWhileAsync(attack);

            Assert.Matches(@"^\* BYE \[UNAVAILABLE\] .*too many connections", refusals[MailProtocol.Imap]);
            Assert.Matches(@"^421 4\.7\.0 .*Too many connections", refusals[MailProtocol.Smtp]);
            Assert.Matches(@"^-ERR \[SYS/TEMP\] too many connections", refusals[MailProtocol.Pop3]);
            Assert.True(rounds.Count >= 2);

            // The slots came back: the attacker's address is served again (six are free, the POP3 two still held).
            await using var again = await LoopbackClient.ConnectAsync(Attacker, _server.Imap);
            Assert.StartsWith("* OK", await again.ReadLineAsync());
        }
        finally
        {
            foreach (var (client, _) in silent)
            {
                await client.DisposeAsync();
            }
        }

        await user.RoundAsync();
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_connections_from_many_addresses_up_to_the_total_limit_leave_the_users_sessions_working()
    {
        // The user's three sessions hold three of the thirty slots; strangers from seven addresses take the rest.
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var silent = new List<LoopbackClient>();
        try
        {
            for (var i = 0; i < Total - 3; i++)
            {
                var protocol = i % 2 == 0 ? MailProtocol.Imap : MailProtocol.Smtp;
                var client = await LoopbackClient.ConnectAsync($"127.0.2.{1 + (i / 4)}", Port(protocol));
                silent.Add(client);
                Assert.Matches(Greeting(protocol), await client.ReadLineAsync() ?? "(closed)");
            }

            string? refused = null;
            var attack = Task.Run(async () =>
            {
                // Full: a newcomer from an address with no connection at all is refused.
                await using (var newcomer = await LoopbackClient.ConnectAsync("127.0.2.99", _server.Imap))
                {
                    refused = await newcomer.ReadLineAsync();
                }

                // The strangers are closed at their timeouts; then the newcomer is served.
                for (var i = 0; i < silent.Count; i++)
                {
                    Assert.Matches(TimeoutReply(i % 2 == 0 ? MailProtocol.Imap : MailProtocol.Smtp), Assert.Single(await LinesUntilClosedAsync(silent[i])));
                }
            });
            var rounds = await user.WorkWhileAsync(attack);

            Assert.Matches(@"^\* BYE \[UNAVAILABLE\] .*too many connections", refused);
            Assert.True(rounds.Count >= 2);
            await using var served = await LoopbackClient.ConnectAsync("127.0.2.99", _server.Imap);
            Assert.StartsWith("* OK", await served.ReadLineAsync());
        }
        finally
        {
            foreach (var client in silent)
            {
                await client.DisposeAsync();
            }
        }

        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    // Every line until the server closes (each read bounded by LoopbackClient's timeout).
    private static async Task<List<string>> LinesUntilClosedAsync(LoopbackClient client)
    {
        var lines = new List<string>();
        while (await client.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }

    private int Port(MailProtocol protocol) => protocol switch
    {
        MailProtocol.Imap => _server.Imap,
        MailProtocol.Pop3 => _server.Pop3,
        _ => _server.Smtp,
    };

    private static string Greeting(MailProtocol protocol) => protocol switch
    {
        MailProtocol.Imap => @"^\* OK ",
        MailProtocol.Pop3 => @"^\+OK ",
        _ => "^220 ",
    };

    private static string TimeoutReply(MailProtocol protocol) => protocol switch
    {
        MailProtocol.Imap => @"^\* BYE \[UNAVAILABLE\] no login in time",
        _ => @"^421 4\.4\.2 ",
    };
}
