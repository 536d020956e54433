using System.Text;
using EdgeMail.Testing;
using EdgeMail.Testing.Hostile;
using EdgeMail.Testing.Imap;

namespace EdgeMail.Tests.Hostile;

/// <summary>
/// Nesting as deep as a line allows: SEARCH with 10,000 nested parentheses and 10,000 nested ORs (refused at 100 levels), FETCH of a part
/// number 10,000 levels deep (each a BAD that says why, the session goes on), and a message of 1,000 nested
/// multiparts delivered over SMTP and APPENDed over IMAP: accepted, since nothing deliverable is refused, stored
/// byte for byte, and served by BODYSTRUCTURE down to Storage:MaxMimeDepth (64; MimeKit's count gives 65 multipart
/// levels), below which the rest of the tree is
/// one part (as Dovecot gives a multipart it does not descend into: an empty text part).
/// </summary>
public sealed class DeepNestingTests : IAsyncLifetime
{
    private const int MimeDepth = 1000;
    private const int MaxMimeDepth = 64;
    private HostileServer _server = null!;

    public async Task InitializeAsync() => _server = await HostileServer.StartAsync([], withBob: true);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Deep_nesting_is_refused_in_commands_and_capped_in_mail_while_the_user_is_served()
    {
        await using var user = await WellBehavedClient.ConnectAsync(_server);
        var attack = Task.Run(async () =>
        {
            await DeepCommandsAsync();
            await DeepMimeAsync();
        });
        var rounds = await user.WorkWhileAsync(attack);

        Assert.True(rounds.Count >= 2);
        Assert.Contains("sound", await _server.CheckAsync(), StringComparison.Ordinal);
    }

    private async Task DeepCommandsAsync()
    {
        await using var c = await LoopbackClient.ConnectAsync("127.0.8.1", _server.Imap);
        Assert.StartsWith("* OK", await c.ReadLineAsync());
        Assert.StartsWith("a1 OK", await c.ImapAsync($"LOGIN {HostileServer.Alice} \"{HostileServer.Password}\""));
        Assert.StartsWith("a2 OK", await c.ImapAsync("SELECT INBOX"));

        Assert.Equal("a3 BAD SEARCH: search keys nested too deeply", await c.ImapAsync("SEARCH " + new string('(', 10_000) + "ALL" + new string(')', 10_000)));
        Assert.Equal("a4 BAD SEARCH: search keys nested too deeply", await c.ImapAsync("SEARCH " + string.Concat(Enumerable.Repeat("OR ", 10_000)) + "ALL ALL"));
        Assert.StartsWith("a5 BAD FETCH: ", await c.ImapAsync("FETCH 1 BODY[" + string.Join('.', Enumerable.Repeat("1", 10_000)) + "]"));

        // Nesting that real clients send still works: 50 ORs deep find the message the user's client seeded.
        await c.SendAsync("a6 SEARCH " + string.Concat(Enumerable.Repeat("OR DELETED ", 50)) + "SUBJECT \"known message\"");
        Assert.Matches(@"^\* SEARCH \d", await c.ReadLineAsync());
        Assert.StartsWith("a6 OK", await c.ReadLineAsync());
    }

    private async Task DeepMimeAsync()
    {
        var message = NestedMessage(MimeDepth);

        // Over SMTP to bob (whose INBOX has nothing else), and APPENDed to his Archive.
        await using (var smtp = await LoopbackClient.ConnectAsync("127.0.8.2", _server.Smtp))
        {
            Assert.StartsWith("220 ", await smtp.ReadReplyAsync());
            foreach (var (line, reply) in new[] { ("EHLO deep.example", "250 "), ("MAIL FROM:<deep@example.net>", "250 "), ($"RCPT TO:<{HostileServer.Bob}>", "250 "), ("DATA", "354 ") })
            {
                await smtp.SendAsync(line);
                Assert.StartsWith(reply, await smtp.ReadReplyAsync());
            }

            await smtp.SendRawAsync(Encoding.ASCII.GetString(message) + ".\r\n");
            Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
        }

        await using var imap = await StrictImapClient.ConnectAsync(_server.Imap);
        await imap.LoginAsync(HostileServer.Bob, HostileServer.Password);
        (await imap.AppendAsync("p1", "INBOX", message)).EnsureOk();
        (await imap.CommandAsync("p2", "SELECT INBOX")).EnsureOk();

        var fetched = (await imap.CommandAsync("p3", "FETCH 1:2 (BODYSTRUCTURE BODY.PEEK[TEXT] BODY.PEEK[])")).EnsureOk().Fetches.ToList();
        Assert.Equal(2, fetched.Count);
        var text = message.AsSpan(message.AsSpan().IndexOf("\r\n\r\n"u8) + 4).ToArray();
        foreach (var fetch in fetched)
        {
            // Stored as sent: the body byte for byte (SMTP's copy has a Received field on top, IMAP's none).
            Assert.Equal(text, fetch.Section("BODY[TEXT]"));

            // The tree down to the cap, each level the multipart that was sent; below it one (empty) text part.
            var part = fetch.BodyStructure!;
            var depth = 0;
            while (part.IsMultipart)
            {
                Assert.Equal("multipart/mixed", part.MediaType);
                Assert.Single(part.Parts);
                part = part.Parts[0];
                depth++;
            }

            Assert.InRange(depth, MaxMimeDepth, MaxMimeDepth + 1);
            Assert.Equal("text/plain", part.MediaType);
        }

        Assert.Equal(message, fetched[1].Section("BODY[]"));

        // A part below the cap is not there to fetch; the session goes on.
        var deep = string.Join('.', Enumerable.Repeat("1", 200));
        Assert.Equal("BAD", (await imap.CommandAsync("p4", $"FETCH 1 BODY.PEEK[{deep}]")).Tagged.Name);
        (await imap.CommandAsync("p5", "NOOP")).EnsureOk();
    }

    // multipart/mixed inside multipart/mixed, `depth` times, around one text part; every line well under 998 octets.
    private static byte[] NestedMessage(int depth)
    {
        var text = new StringBuilder();
        text.Append("From: deep@example.net\r\nTo: bob@edgemail.local\r\nSubject: nested ").Append(depth).Append(" deep\r\nMIME-Version: 1.0\r\n");
        for (var level = 0; level < depth; level++)
        {
            text.Append("Content-Type: multipart/mixed; boundary=\"b").Append(level).Append("\"\r\n\r\n--b").Append(level).Append("\r\n");
        }

        text.Append("Content-Type: text/plain\r\n\r\nthe leaf at the bottom\r\n");
        for (var level = depth - 1; level >= 0; level--)
        {
            text.Append("--b").Append(level).Append("--\r\n");
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }
}
