using System.Net;
using System.Text;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EdgeMail.Tests;

/// <summary>
/// The login throttle as an attacker meets it, on the real `serve` with IMAP, POP3 and submission, from many
/// loopback source addresses (all of 127.0.0.0/8 is loopback, so plaintext logins are allowed without TLS), on every
/// protocol and mechanism. The delays are shortened to milliseconds so the tests run at full speed; the delays
/// themselves, stepped with a manual clock, are in EdgeMail.Auth.Tests (Authenticator, LoginThrottle).
/// </summary>
public sealed class LoginAttackTests : IAsyncLifetime
{
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";

    private readonly TempFolder _data = new();
    private readonly int _imap = EdgeMailProcess.FreePort();
    private readonly int _pop3 = EdgeMailProcess.FreePort();
    private readonly int _submission = EdgeMailProcess.FreePort();
    private ServeProcess _serve = null!;

    /// <summary>Every way a client can send a password, plaintext or not.</summary>
    public enum Way
    {
        ImapLogin,
        ImapPlain,
        ImapScram,
        Pop3UserPass,
        Pop3Plain,
        Pop3Scram,
        SmtpPlain,
        SmtpLogin,
        SmtpScram,
    }

    public static TheoryData<Way> Ways => [.. Enum.GetValues<Way>()];

    public async Task InitializeAsync()
    {
        await EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, _data.Path, User, Password);
        var args = ServeProcess.OnlyArguments(_data.Path, ("Imap:Port", _imap), ("Pop3:Port", _pop3), ("Smtp:SubmissionPort", _submission));
        args.AddRange(
        [
            // Defaults for every count (3 free failures, lockout at 10, 3 per connection); delays of milliseconds.
            "--Auth:Throttle:BaseDelay=00:00:00.001", "--Auth:Throttle:MaxDelay=00:00:00.002",
            "--Auth:Throttle:AccountBaseDelay=00:00:00.001", "--Auth:Throttle:AccountMaxDelay=00:00:00.002",
        ]);
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        _serve.Process.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Strangers_guessing_from_many_addresses_on_every_mechanism_never_lock_the_user_out()
    {
        // Six addresses, twelve wrong passwords each, over every way in turn: 72 failures against alice (the old
        // throttle locked the account for everyone after 10).
        var ways = Enum.GetValues<Way>().Where(w => !IsScram(w)).ToArray();
        for (var host = 11; host <= 16; host++)
        {
            var from = "127.0.0." + host;
            for (var guess = 0; guess < 12; guess++)
            {
                var way = ways[(host + guess) % ways.Length];
                await using var client = await OpenAsync(way, from);
                await TryAsync(client, way, $"guess {host}.{guess}");
            }
        }

        // From a fresh address the right password works on every protocol and mechanism, MailKit's SCRAM included.
        foreach (var way in Enum.GetValues<Way>())
        {
            Assert.True(await LogsInAsync(way, "127.0.0.20"), $"{way} from a fresh address refused the right password");
        }

        // The strangers' own addresses are locked out (each passed LockoutFailures).
        await using var locked = await OpenAsync(Way.ImapLogin, "127.0.0.11");
        Assert.Contains("NO [UNAVAILABLE]", await TryAsync(locked, Way.ImapLogin, Password), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task A_locked_address_is_refused_the_right_password_on_every_mechanism_and_disconnected(Way way)
    {
        // Two addresses locked by ten distinct wrong passwords each (the third on a connection closes it).
        foreach (var from in new[] { "127.0.0.30", "127.0.0.31" })
        {
            await LockAsync(from);
            await using var client = await OpenAsync(way, from);
            var reply = await TryAsync(client, way, Password);
            Assert.Matches(LockedReply(way), reply);
            Assert.True(await client.ClosesAsync(), $"{way}: the locked connection stayed open after {reply}");
        }

        // Another address still logs in with the same password over the same mechanism.
        Assert.True(await LogsInAsync(way, "127.0.0.32"), $"{way} from an unlocked address refused");
    }

    [Theory]
    [InlineData(Way.ImapLogin)]
    [InlineData(Way.ImapPlain)]
    [InlineData(Way.Pop3UserPass)]
    [InlineData(Way.Pop3Plain)]
    [InlineData(Way.SmtpPlain)]
    [InlineData(Way.SmtpLogin)]
    public async Task The_third_failure_on_a_connection_closes_it_but_one_password_retried_is_one_failure(Way way)
    {
        foreach (var from in new[] { "127.0.0.40", "127.0.0.41" })
        {
            await using var client = await OpenAsync(way, from);

            // One stale password tried three times (as a client retrying on each mechanism does) is one failure.
            for (var i = 0; i < 3; i++)
            {
                Assert.Matches(FailedReply(way), await TryAsync(client, way, "stale password"));
            }

            Assert.Matches(FailedReply(way), await TryAsync(client, way, "second guess"));
            var last = await TryAsync(client, way, "third guess");
            Assert.Matches(ClosingReply(way), last);
            Assert.True(await client.ClosesAsync(), $"{way}: still open after {last}");
        }
    }

    [Fact]
    public async Task A_flood_of_failures_is_logged_one_line_per_address_and_never_with_the_password()
    {
        // Ten addresses, each hammering until it is locked and beyond: 30 attempts each, reconnecting whenever closed
        // (after three failures, or at once when locked).
        var flood = Enumerable.Range(50, 10).Select(async host =>
        {
            var from = "127.0.0." + host;
            var answers = 0;
            while (answers < 30)
            {
                var way = FloodWays[answers % FloodWays.Length];
                await using var client = await OpenAsync(way, from);
                for (var i = 0; i < 3 && answers < 30; i++)
                {
                    var reply = await TryAsync(client, way, $"secret-{host}-{answers}");
                    answers++;
                    if (System.Text.RegularExpressions.Regex.IsMatch(reply, LockedReply(way)))
                    {
                        break;
                    }
                }
            }
        });
        await Task.WhenAll(flood);

        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        var log = (await _serve.Output).Split('\n');
        for (var host = 50; host < 60; host++)
        {
            var address = "127.0.0." + host;
            var lines = log.Count(l => l.Contains("failed login", StringComparison.OrdinalIgnoreCase) && l.Contains(address + " ", StringComparison.Ordinal));

            // The first failure at once, then at most one summary line per minute (this test takes well under two).
            Assert.InRange(lines, 1, 3);
        }

        Assert.DoesNotContain(log, l => l.Contains("secret-", StringComparison.Ordinal));
    }

    private static readonly Way[] FloodWays = [Way.ImapLogin, Way.Pop3UserPass, Way.SmtpPlain];

    private static bool IsScram(Way way) => way is Way.ImapScram or Way.Pop3Scram or Way.SmtpScram;

    private static string LockedReply(Way way) => way switch
    {
        Way.ImapLogin or Way.ImapPlain or Way.ImapScram => @"^a\d+ NO \[UNAVAILABLE\]",
        Way.Pop3UserPass or Way.Pop3Plain or Way.Pop3Scram => @"^-ERR \[SYS/TEMP\]",
        _ => @"^421 4\.7\.0 ",
    };

    private static string FailedReply(Way way) => way switch
    {
        Way.ImapLogin or Way.ImapPlain => @"^a\d+ NO \[AUTHENTICATIONFAILED\]",
        Way.Pop3UserPass or Way.Pop3Plain => @"^-ERR \[AUTH\]",
        _ => @"^535 5\.7\.8 ",
    };

    private static string ClosingReply(Way way) => way switch
    {
        Way.ImapLogin or Way.ImapPlain => @"^a\d+ NO \[AUTHENTICATIONFAILED\]",
        Way.Pop3UserPass or Way.Pop3Plain => @"^-ERR \[AUTH\] .*closing",
        _ => @"^421 4\.7\.0 ",
    };

    // Ten distinct wrong passwords from the address, three per connection (each third closes it), until it is locked.
    private async Task LockAsync(string from)
    {
        for (var guess = 0; guess < 10;)
        {
            await using var client = await OpenAsync(Way.ImapLogin, from);
            for (var i = 0; i < 3 && guess < 10; i++)
            {
                Assert.Matches(@"^a\d+ NO \[AUTHENTICATIONFAILED\]", await TryAsync(client, Way.ImapLogin, $"lock {from} {guess++}"));
            }

            if (guess % 3 == 0)
            {
                Assert.True(await client.ClosesAsync(), "the third failure did not close the connection");
            }
        }
    }

    private async Task<bool> LogsInAsync(Way way, string from)
    {
        if (IsScram(way))
        {
            // MailKit picks SCRAM-SHA-256 first of what the server offers.
            var local = new IPEndPoint(IPAddress.Parse(from), 0);
            try
            {
                switch (way)
                {
                    case Way.ImapScram:
                        using (var imap = new ImapClient { LocalEndPoint = local })
                        {
                            await imap.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
                            await imap.AuthenticateAsync(new SaslMechanismScramSha256(User, Password));
                            return imap.IsAuthenticated;
                        }

                    case Way.Pop3Scram:
                        using (var pop3 = new Pop3Client { LocalEndPoint = local })
                        {
                            await pop3.ConnectAsync("127.0.0.1", _pop3, SecureSocketOptions.None);
                            await pop3.AuthenticateAsync(new SaslMechanismScramSha256(User, Password));
                            return pop3.IsAuthenticated;
                        }

                    default:
                        using (var smtp = new SmtpClient { LocalEndPoint = local })
                        {
                            await smtp.ConnectAsync("127.0.0.1", _submission, SecureSocketOptions.None);
                            await smtp.AuthenticateAsync(new SaslMechanismScramSha256(User, Password));
                            return smtp.IsAuthenticated;
                        }
                }
            }
            catch (AuthenticationException)
            {
                return false;
            }
        }

        await using var client = await OpenAsync(way, from);
        var reply = await TryAsync(client, way, Password);
        return reply.StartsWith("a1 OK", StringComparison.Ordinal) || reply.StartsWith("+OK", StringComparison.Ordinal) || reply.StartsWith("235 ", StringComparison.Ordinal);
    }

    private async Task<LoopbackClient> OpenAsync(Way way, string from)
    {
        var port = way switch
        {
            Way.ImapLogin or Way.ImapPlain or Way.ImapScram => _imap,
            Way.Pop3UserPass or Way.Pop3Plain or Way.Pop3Scram => _pop3,
            _ => _submission,
        };
        var client = await LoopbackClient.ConnectAsync(from, port);
        var greeting = await client.ReadLineAsync();
        Assert.NotNull(greeting);
        if (port == _submission)
        {
            await client.SendAsync("EHLO attacker.example");
            string? line;
            do
            {
                line = await client.ReadLineAsync();
            }
            while (line is not null && line.StartsWith("250-", StringComparison.Ordinal));
        }

        return client;
    }

    // One login attempt; returns the final reply line (after which IMAP may add a BYE, read by ClosesAsync).
    private static async Task<string> TryAsync(LoopbackClient client, Way way, string password)
    {
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{User}\0{password}"));
        var scramFirst = Convert.ToBase64String(Encoding.UTF8.GetBytes($"n,,n={User},r=fyko+d2lbbFgONRv9qkxdawL"));
        switch (way)
        {
            case Way.ImapLogin:
                return await client.ImapAsync($"LOGIN \"{User}\" \"{password}\"");
            case Way.ImapPlain:
                return await client.ImapAsync("AUTHENTICATE PLAIN " + plain);
            case Way.ImapScram:
                // Only a refusal before the exchange is expected here (a locked address); a challenge is cancelled.
                return await client.ImapAsync("AUTHENTICATE SCRAM-SHA-256 " + scramFirst, cancelChallenge: true);
            case Way.Pop3UserPass:
                await client.SendAsync("USER " + User);
                Assert.StartsWith("+OK", await client.ReadLineAsync());
                await client.SendAsync("PASS " + password);
                return await client.ReadReplyAsync();
            case Way.Pop3Plain:
                await client.SendAsync("AUTH PLAIN " + plain);
                return await client.ReadReplyAsync();
            case Way.Pop3Scram:
                await client.SendAsync("AUTH SCRAM-SHA-256 " + scramFirst);
                return await client.ReadReplyAsync();
            case Way.SmtpPlain:
                await client.SendAsync("AUTH PLAIN " + plain);
                return await client.ReadReplyAsync();
            case Way.SmtpLogin:
                await client.SendAsync("AUTH LOGIN");
                var first = await client.ReadReplyAsync();
                if (!first.StartsWith("334 ", StringComparison.Ordinal))
                {
                    return first;
                }

                await client.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(User)));
                Assert.StartsWith("334 ", await client.ReadReplyAsync());
                await client.SendAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)));
                return await client.ReadReplyAsync();
            default:
                await client.SendAsync("AUTH SCRAM-SHA-256 " + scramFirst);
                return await client.ReadReplyAsync();
        }
    }
}
