using System.Text;
using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// What LoginAttackTests leaves out: the user working while the attack is on. Strangers rotating over 250 addresses
/// guess alice's password over IMAP LOGIN, POP3 USER/PASS and SMTP AUTH PLAIN at once, against the default throttle
/// (real delays, real lockouts), while alice's device, logged in before, keeps reading and sending; afterwards her
/// device logs in anew on every protocol, and so does a device she never used: the account was never locked.
/// </summary>
public sealed class LoginFloodTests : IAsyncLifetime
{
    private static readonly TimeSpan FloodTime = TimeSpan.FromSeconds(5);
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync([]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_password_flood_from_250_addresses_never_stops_the_users_devices()
    {
        var user = await WellBehavedClient.ConnectAsync(_server);
        long answers = 0;
        using var stop = new CancellationTokenSource(FloodTime);
        var flood = Task.WhenAll(Enumerable.Range(0, 24).Select(attacker => Task.Run(async () =>
        {
            for (var attempt = 0; !stop.IsCancellationRequested; attempt++)
            {
                var from = $"127.0.{12 + ((attacker * 97) + attempt) / 250 % 2}.{((attacker * 97) + attempt) % 250 + 1}";
                try
                {
                    if (await GuessAsync((MailProtocol)(attacker % 3), from, $"guess {attacker}.{attempt}", stop.Token))
                    {
                        Interlocked.Increment(ref answers);
                    }
                }
                catch (OperationCanceledException)
                {
                }
            }
        })));
        IReadOnlyList<ClientRound> rounds;
        try
        {
            rounds = await user.WorkWhileAsync(flood);
        }
        finally
        {
            // Its POP3 session holds the maildrop (RFC 1939 §8), which the new sessions below need.
            await user.DisposeAsync();
        }

        Assert.True(answers > 24, $"the attackers got only {answers} answers");
        Assert.True(rounds.Count >= 2);
        foreach (var from in new[] { WellBehavedClient.DefaultAddress, "127.0.20.1" })
        {
            // A fresh set of sessions: the device logs in again on IMAP, submission and POP3.
            await using var again = await WellBehavedClient.ConnectAsync(_server, from);
            await again.RoundAsync();
        }

        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    // One wrong password; true when the server answered it (a refusal, a lockout), false when it closed first.
    private async Task<bool> GuessAsync(MailProtocol protocol, string from, string password, CancellationToken cancellationToken)
    {
        var port = protocol switch
        {
            MailProtocol.Imap => _server.Imap,
            MailProtocol.Pop3 => _server.Pop3,
            _ => _server.Submission,
        };
        await using var c = await LoopbackClient.ConnectAsync(from, port);
        if (await c.ReadLineAsync().WaitAsync(cancellationToken) is not { } greeting || greeting.StartsWith("* BYE", StringComparison.Ordinal))
        {
            return false;
        }

        string reply;
        switch (protocol)
        {
            case MailProtocol.Imap:
                reply = await c.ImapAsync($"LOGIN {HostileServer.Alice} \"{password}\"").WaitAsync(cancellationToken);
                return reply.StartsWith("a1 NO", StringComparison.Ordinal);
            case MailProtocol.Pop3:
                await c.SendAsync("USER " + HostileServer.Alice);
                await c.ReadLineAsync().WaitAsync(cancellationToken);
                await c.SendAsync("PASS " + password);
                reply = await c.ReadReplyAsync().WaitAsync(cancellationToken);
                return reply.StartsWith("-ERR", StringComparison.Ordinal);
            default:
                await c.SendAsync("EHLO guesser.example");
                await c.ReadReplyAsync().WaitAsync(cancellationToken);
                await c.SendAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{HostileServer.Alice}\0{password}")));
                reply = await c.ReadReplyAsync().WaitAsync(cancellationToken);
                return reply.StartsWith("535 ", StringComparison.Ordinal) || reply.StartsWith("421 ", StringComparison.Ordinal);
        }
    }
}
