using System.Text;

namespace EdgeMail.Imap.Tests.Commands;

/// <summary>AUTHENTICATE without an initial response (RFC 9051 §6.2.2; RFC 4422 §5): the server asks with an empty challenge.</summary>
public sealed class LoginTests(ImapServer server) : IClassFixture<ImapServer>
{
    private static string PlainResponse(string password) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{ImapServer.User}\0{password}"));

    [Fact]
    public async Task Authenticate_plain_without_initial_response_sends_an_empty_challenge_then_logs_in()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        await t.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
        Assert.Equal("+ ", await t.ReadLineAsync());
        await t.SendAsync(PlainResponse(ImapServer.Password) + "\r\n");
        var reply = await t.ReadUntilTaggedAsync("a1");
        Assert.StartsWith("a1 OK", reply[^1]);
        Assert.StartsWith("s OK", (await t.CommandAsync("s SELECT INBOX"))[^1]);
    }

    [Fact]
    public async Task Authenticate_cancelled_with_a_star_answers_BAD_and_the_session_can_still_log_in()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        await t.SendAsync("a1 AUTHENTICATE PLAIN\r\n");
        Assert.StartsWith("+", await t.ReadLineAsync());
        await t.SendAsync("*\r\n");
        Assert.StartsWith("a1 BAD", (await t.ReadUntilTaggedAsync("a1"))[^1]);

        await t.SendAsync("a2 AUTHENTICATE PLAIN\r\n");
        Assert.StartsWith("+", await t.ReadLineAsync());
        await t.SendAsync(PlainResponse("wrong") + "\r\n");
        Assert.StartsWith("a2 NO [AUTHENTICATIONFAILED]", (await t.ReadUntilTaggedAsync("a2"))[^1]);

        Assert.StartsWith("a3 OK", (await t.CommandAsync($"a3 AUTHENTICATE PLAIN {PlainResponse(ImapServer.Password)}"))[^1]);
    }

    [Fact]
    public async Task Login_with_user_and_password_both_as_synchronizing_literals_continues_twice_then_logs_in()
    {
        await using var t = await Transcript.ConnectAsync(server, login: false);
        var user = Encoding.UTF8.GetBytes(ImapServer.User);
        var password = Encoding.UTF8.GetBytes(ImapServer.Password);
        await t.SendAsync($"a1 LOGIN {{{user.Length}}}\r\n");
        Assert.StartsWith("+", await t.ReadLineAsync());
        await t.SendAsync([.. user, .. Encoding.ASCII.GetBytes($" {{{password.Length}}}\r\n")]);
        Assert.StartsWith("+", await t.ReadLineAsync());
        await t.SendAsync([.. password, (byte)'\r', (byte)'\n']);
        Assert.StartsWith("a1 OK", (await t.ReadUntilTaggedAsync("a1"))[^1]);
    }
}
