using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// STARTTLS command injection (CVE-2011-0411) on every plaintext port: STARTTLS and a command in one packet. Whatever
/// the server then does, the injected command must get no answer, neither in plaintext nor as if it had come over
/// TLS: the first line read over TLS answers a fresh command. EdgeMail closes the connection after the go-ahead
/// (RFC 3207 §4.2, RFC 2595 §3.1: nothing from before the handshake is acted on after it). The same probe without
/// the injection completes the handshake and gets the fresh command answered, so the probe can tell.
/// </summary>
public sealed class StartTlsInjectionTests : IAsyncLifetime
{
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync([]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_command_injected_behind_STARTTLS_is_never_answered_on_any_port_and_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var ports = new (MailProtocol Protocol, int Port, string GoAhead)[]
        {
            (MailProtocol.Imap, _server.Imap, "tls OK "),
            (MailProtocol.Pop3, _server.Pop3, "+OK "),
            (MailProtocol.Smtp, _server.Smtp, "220 "),
            (MailProtocol.Smtp, _server.Submission, "220 "),
        };
        var results = new List<(MailProtocol Protocol, int Port, StartTlsOutcome Injected, StartTlsOutcome Control)>();
        var attack = Task.Run(async () =>
        {
            foreach (var (protocol, port, _) in ports)
            {
                var injected = await StartTlsProbe.RunAsync(protocol, "127.0.9.1", port, inject: true);
                var control = await StartTlsProbe.RunAsync(protocol, "127.0.9.2", port, inject: false);
                results.Add((protocol, port, injected, control));
            }
        });
        var rounds = await user.WorkWhileAsync(attack);

        foreach (var (protocol, port, injected, control) in results)
        {
            var goAhead = ports.Single(p => p.Port == port).GoAhead;
            Assert.StartsWith(goAhead, injected.GoAhead);
            Assert.Empty(injected.PlaintextAfterGoAhead);
            if (injected.Handshake)
            {
                Assert.True(StartTlsProbe.AnswersFreshCommand(protocol, injected.FirstTlsLine ?? "(none)"), $"{port}: over TLS first came {injected.FirstTlsLine}");
            }

            Assert.StartsWith(goAhead, control.GoAhead);
            Assert.True(control.Handshake, $"{port}: the handshake without injection failed");
            Assert.True(StartTlsProbe.AnswersFreshCommand(protocol, control.FirstTlsLine ?? "(none)"), $"{port}: over TLS first came {control.FirstTlsLine}");
        }

        Assert.Equal(4, results.Count);
        Assert.True(rounds.Count >= 2);
    }
}
