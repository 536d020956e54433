using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Announced sizes of 4 GiB and more: IMAP literals (synchronizing, literal8, non-synchronizing), SMTP SIZE and
/// BDAT, and POP3, which has no literals, its overlong lines. Each is refused before a byte of it is taken: no "+"
/// for a synchronizing literal (RFC 9051 §7.5, RFC 7889 TOOBIG), the session then goes on; a non-synchronizing one
/// is already on its way, so RFC 7888 §4 lets the server close with BYE, as it does; SMTP answers 552 (RFC 1870).
/// Nothing reaches the disk: no staging file is left in the data folder's tmp.
/// </summary>
public sealed class HugeLiteralTests : IAsyncLifetime
{
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync([]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Literals_and_sizes_of_4_GiB_are_refused_before_the_data_and_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var attack = Task.Run(async () =>
        {
            await ImapAsync();
            await SmtpAsync();
            await Pop3Async();
        });
        var rounds = await user.WorkWhileAsync(attack);

        Assert.True(rounds.Count >= 2);
        var tmp = Path.Combine(_server.DataPath, "tmp");
        Assert.Empty(Directory.Exists(tmp) ? Directory.GetFiles(tmp) : []);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    private async Task ImapAsync()
    {
        await using (var before = await ImapAsync(login: false))
        {
            // Before login, the command limit (64 KiB) refuses a 4 GiB password; the same connection then logs in.
            AssertRefusedWithoutContinuation(await TaggedAsync(before, "x1", "LOGIN alice {4294967296}"), "x1 NO [TOOBIG]");
            Assert.StartsWith("x2 OK", (await TaggedAsync(before, "x2", $"LOGIN {HostileServer.Alice} \"{HostileServer.Password}\"")).Last());
        }

        await using var c = await ImapAsync(login: true);
        AssertRefusedWithoutContinuation(await TaggedAsync(c, "a1", "APPEND INBOX {4294967296}"), "a1 NO [TOOBIG]");
        AssertRefusedWithoutContinuation(await TaggedAsync(c, "a2", "APPEND INBOX ~{4294967296}"), "a2 NO [TOOBIG]");
        AssertRefusedWithoutContinuation(await TaggedAsync(c, "a3", @"APPEND INBOX (\Seen) {9223372036854775807}"), "a3 NO [TOOBIG]");

        // Beyond RFC 9051 §9's number64 (63 bits) is not a literal's size at all: a syntax error.
        AssertRefusedWithoutContinuation(await TaggedAsync(c, "a4", "APPEND INBOX {18446744073709551615}"), "a4 BAD");
        AssertRefusedWithoutContinuation(await TaggedAsync(c, "a5", "SEARCH TEXT {4294967296}"), "a5 NO [TOOBIG]");
        Assert.StartsWith("a6 OK", (await TaggedAsync(c, "a6", "NOOP")).Last());

        // Non-synchronizing: the octets follow unasked, so the session ends (RFC 7888 §4).
        foreach (var command in new[] { "APPEND INBOX {4294967296+}", "SEARCH TEXT {4294967296+}" })
        {
            await using var n = await ImapAsync(login: true);
            await n.SendAsync("b1 " + command);
            await n.SendRawAsync(new string('x', 8192));
            var lines = await LinesUntilClosedAsync(n);
            Assert.Matches(@"^\* BYE \[TOOBIG\] ", Assert.Single(lines));
        }
    }

    private async Task SmtpAsync()
    {
        await using var c = await LoopbackClient.ConnectAsync("127.0.7.2", _server.Smtp);
        Assert.StartsWith("220 ", await c.ReadReplyAsync());
        await c.SendAsync("EHLO big.example");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());

        // RFC 1870 §6.1: a declared size over the limit is refused at MAIL, and the session goes on.
        await c.SendAsync("MAIL FROM:<big@example.net> SIZE=4294967296");
        Assert.StartsWith("552 5.3.4 ", await c.ReadReplyAsync());
        await c.SendAsync("MAIL FROM:<big@example.net> SIZE=10240001");
        Assert.StartsWith("552 5.3.4 ", await c.ReadReplyAsync());
        await c.SendAsync("MAIL FROM:<big@example.net>");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());
        await c.SendAsync("RCPT TO:<" + HostileServer.Alice + ">");
        Assert.StartsWith("250 ", await c.ReadReplyAsync());

        // A chunk announced past the limit is refused unread, and the session closed: reading 4 GiB to stay in step
        // would be the attack.
        await c.SendAsync("BDAT 4294967296 LAST");
        await c.SendRawAsync(new string('x', 8192));
        Assert.StartsWith("552 5.3.4 ", await c.ReadReplyAsync());
        Assert.Null(await c.ReadLineAsync());
    }

    private async Task Pop3Async()
    {
        await using var c = await LoopbackClient.ConnectAsync("127.0.7.3", _server.Pop3);
        Assert.StartsWith("+OK", await c.ReadLineAsync());

        // The line is dropped past Pop3:MaxLineBytes without being buffered, answered once, and the session goes on.
        await c.SendAsync("USER " + new string('u', 4 * 1024 * 1024));
        Assert.StartsWith("-ERR", await c.ReadLineAsync());
        await c.SendAsync("USER " + HostileServer.Bob);
        Assert.StartsWith("+OK", await c.ReadLineAsync());

        // Overlong lines count as bad commands: the twentieth (Pop3:MaxBadCommands) ends the session.
        for (var i = 2; i <= 20; i++)
        {
            await c.SendAsync(new string('z', 70 * 1024));
        }

        var lines = await LinesUntilClosedAsync(c);
        Assert.Equal(20, lines.Count);
        Assert.All(lines, l => Assert.StartsWith("-ERR", l));
    }

    private async Task<LoopbackClient> ImapAsync(bool login)
    {
        var c = await LoopbackClient.ConnectAsync("127.0.7.1", _server.Imap);
        Assert.StartsWith("* OK", await c.ReadLineAsync());
        if (login)
        {
            Assert.StartsWith("l1 OK", (await TaggedAsync(c, "l1", $"LOGIN {HostileServer.Alice} \"{HostileServer.Password}\"")).Last());
            Assert.StartsWith("s1 OK", (await TaggedAsync(c, "s1", "SELECT INBOX")).Last());
        }

        return c;
    }

    // Every line up to the tagged reply (a continuation request included, if one comes).
    private static async Task<List<string>> TaggedAsync(LoopbackClient c, string tag, string command)
    {
        await c.SendAsync(tag + " " + command);
        var lines = new List<string>();
        while (await c.ReadLineAsync() is { } line)
        {
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal) || line.StartsWith('+'))
            {
                break;
            }
        }

        return lines;
    }

    private static void AssertRefusedWithoutContinuation(List<string> lines, string expected)
    {
        Assert.DoesNotContain(lines, l => l.StartsWith('+'));
        Assert.StartsWith(expected, lines.Last());
    }

    private static async Task<List<string>> LinesUntilClosedAsync(LoopbackClient c)
    {
        var lines = new List<string>();
        while (await c.ReadLineAsync() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
