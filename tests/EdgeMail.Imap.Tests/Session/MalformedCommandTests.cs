using System.Text;

namespace EdgeMail.Imap.Tests.Session;

/// <summary>
/// Hostile and broken input on a raw socket (RFC 9051 §7.1.5 BAD, §7.1.3 NO; RFC 7888 literals; RFC 7889 TOOBIG):
/// each gets a BAD or NO that says what was wrong, and the session goes on until MaxBadCommands.
/// </summary>
public sealed class MalformedCommandTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static async Task AssertStillServesAsync(Transcript t)
    {
        var reply = await t.CommandAsync("z1 NOOP");
        Assert.StartsWith("z1 OK", reply[^1]);
    }

    [Theory]
    [InlineData("a1 FROBNICATE", "unknown command FROBNICATE")]
    [InlineData("a1 SELECT", "SELECT: a space was expected")]
    [InlineData("a1 RENAME Archive", "RENAME: a space was expected")]
    [InlineData("a1 STATUS INBOX", "STATUS: a space was expected")]
    [InlineData("a1 FETCH 0 FLAGS", "FETCH: a non-zero 32-bit number was expected")]
    [InlineData("a1 FETCH 1:x FLAGS", "FETCH: a number was expected")]
    [InlineData("a1 FETCH 1,,2 FLAGS", "FETCH: a number was expected")]
    [InlineData("a1 UID FETCH 4294967296 FLAGS", "UID FETCH: a non-zero 32-bit number was expected")]
    [InlineData("a1 FETCH 1 (FLAGS UID", "FETCH: ')' was expected")]
    [InlineData("a1 FETCH 1 FLAGS)", "FETCH: unexpected characters at the end of the command")]
    [InlineData("a1 STORE 1 +FLAGS (\\Seen", "STORE: ')' was expected")]
    [InlineData("a1 SEARCH (OR SEEN", "SEARCH: a space was expected")]
    [InlineData("a1 SEARCH FROBBED", "SEARCH: unknown search key FROBBED")]
    [InlineData("a1 FETCH 1 BODY[1.HEADER.X]", "FETCH: invalid section")]
    [InlineData("a1 FETCH 1 BODY[0]", "FETCH: invalid section part number")]
    [InlineData("a1 FETCH 1 BODY[]<5>", "FETCH: '.' was expected")]
    [InlineData("a1 STORE 1 FLAGS (\\Bogus)", "the flag \\Bogus cannot be stored")]
    [InlineData("a1 COPY 1", "COPY: a space was expected")]
    public async Task Malformed_command_in_selected_state_answers_BAD_saying_what_is_wrong_and_the_session_continues(string line, string why)
    {
        await using var t = await Transcript.ConnectAsync(server);

        // One message, so that only the malformation can be what is wrong.
        await t.SendAsync("p1 APPEND INBOX {19+}\r\nSubject: x\r\n\r\nbody\r\n\r\n");
        Assert.StartsWith("p1 OK", (await t.ReadUntilTaggedAsync("p1"))[^1]);
        Assert.StartsWith("s1 OK", (await t.CommandAsync("s1 SELECT INBOX"))[^1]);
        var reply = await t.CommandAsync(line);
        Assert.Equal("a1 BAD " + why, reply[^1]);
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Command_before_login_answers_BAD_asking_to_log_in_first()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        var reply = await t.CommandAsync("a1 SELECT INBOX");
        Assert.StartsWith("a1 BAD", reply[^1]);
        Assert.Contains("log in", reply[^1]);
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Binary_garbage_answers_untagged_BAD_and_the_session_continues()
    {
        await using var t = await Transcript.ConnectAsync(server);
        await t.SendAsync([0x00, 0xFF, 0xFE, 0x01, 0x80, (byte)' ', 0x7F, 0x1B, (byte)'[', (byte)'\r', (byte)'\n']);
        var line = await t.ReadLineAsync();
        Assert.NotNull(line);
        Assert.StartsWith("* BAD", line);
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Overlong_line_answers_BAD_TOOBIG_and_the_session_continues()
    {
        await using var t = await Transcript.ConnectAsync(server);
        await t.SendAsync("a1 NOOP " + new string('x', 70 * 1024) + "\r\n");

        // The line is dropped unread past the cap, but its first bytes are kept: the BAD carries the tag.
        var reply = await t.ReadLineAsync();
        Assert.NotNull(reply);
        Assert.StartsWith("a1 BAD [TOOBIG] ", reply);
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Overlong_line_without_a_usable_tag_answers_untagged_BAD_TOOBIG()
    {
        await using var t = await Transcript.ConnectAsync(server);
        await t.SendAsync(new string('x', 70 * 1024) + "\r\n");

        // RFC 9051 §7.1.3: a BAD that cannot be tied to a command is untagged.
        Assert.StartsWith("* BAD [TOOBIG] ", await t.ReadLineAsync());
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Synchronizing_literal_over_the_append_limit_answers_NO_TOOBIG_without_a_continuation()
    {
        await using var t = await Transcript.ConnectAsync(server);
        var reply = await t.CommandAsync("a1 APPEND INBOX {" + (server.Options.MaxAppendBytes + 1) + "}");
        Assert.Equal(["a1"], reply.Select(l => l.Split(' ')[0]).Distinct());
        Assert.StartsWith("a1 NO [TOOBIG]", reply[^1]);
        Assert.DoesNotContain(reply, l => l.StartsWith('+'));
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Synchronizing_literal_over_the_command_limit_answers_NO_TOOBIG_without_a_continuation()
    {
        await using var t = await Transcript.ConnectAsync(server);
        var reply = await t.CommandAsync("a1 SELECT {" + (server.Options.MaxCommandBytes + 1) + "}");
        Assert.Single(reply);
        Assert.StartsWith("a1 NO [TOOBIG]", reply[^1]);
        await AssertStillServesAsync(t);
    }

    [Fact]
    public async Task Nonsynchronizing_literal_over_the_append_limit_closes_with_BYE_TOOBIG()
    {
        // RFC 7888 §4: the octets are already on their way and cannot be told apart from commands, so the session ends.
        await using var t = await Transcript.ConnectAsync(server);
        await t.SendAsync("a1 APPEND INBOX {" + (server.Options.MaxAppendBytes + 1) + "+}\r\n" + new string('x', 4096));
        var bye = await t.ReadLineAsync();
        Assert.NotNull(bye);
        Assert.StartsWith("* BYE [TOOBIG]", bye);
        Assert.True(await t.IsClosedAsync());
    }

    [Fact]
    public async Task Login_with_the_password_as_a_synchronizing_literal_succeeds()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        var password = Encoding.UTF8.GetBytes(ImapServer.Password);
        await t.SendAsync($"a1 LOGIN \"{ImapServer.User}\" {{{password.Length}}}\r\n");
        var go = await t.ReadLineAsync();
        Assert.StartsWith("+", go);
        await t.SendAsync([.. password, (byte)'\r', (byte)'\n']);
        var reply = await t.ReadUntilTaggedAsync("a1");
        Assert.StartsWith("a1 OK", reply[^1]);
        Assert.StartsWith("s1 OK", (await t.CommandAsync("s1 SELECT INBOX"))[^1]);
    }

    [Fact]
    public async Task Login_with_a_nonsynchronizing_literal_password_succeeds_without_a_continuation()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        var password = Encoding.UTF8.GetBytes(ImapServer.Password);
        await t.SendAsync([.. Encoding.ASCII.GetBytes($"a1 LOGIN \"{ImapServer.User}\" {{{password.Length}+}}\r\n"), .. password, (byte)'\r', (byte)'\n']);
        var reply = await t.ReadUntilTaggedAsync("a1");
        Assert.DoesNotContain(reply, l => l.StartsWith('+'));
        Assert.StartsWith("a1 OK", reply[^1]);
    }

    [Fact]
    public async Task Too_many_bad_commands_close_the_session_with_BYE()
    {
        await using var t = await Transcript.ConnectAsync(server);
        for (var i = 1; i < server.Options.MaxBadCommands; i++)
        {
            var reply = await t.CommandAsync($"b{i} FROBNICATE");
            Assert.StartsWith($"b{i} BAD", reply[^1]);
        }

        await t.SendAsync("last FROBNICATE\r\n");
        Assert.StartsWith("last BAD", await t.ReadLineAsync());
        var bye = await t.ReadLineAsync();
        Assert.NotNull(bye);
        Assert.StartsWith("* BYE", bye);
        Assert.True(await t.IsClosedAsync());
    }
}
