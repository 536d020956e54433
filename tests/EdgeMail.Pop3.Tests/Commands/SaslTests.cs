using System.Text;
using EdgeMail.Pop3.Tests.Support;

namespace EdgeMail.Pop3.Tests.Commands;

/// <summary>AUTH (RFC 5034 §4) on the wire, over loopback where the plaintext mechanisms are allowed.</summary>
public sealed class SaslTests
{
    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task Auth_plain_with_an_initial_response_logs_in()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync("AUTH PLAIN " + B64($"\0{Pop3Server.User}\0{Pop3Server.Password}"), "+OK maildrop has 0 messages*");
        Assert.DoesNotContain(B64($"\0{Pop3Server.User}\0{Pop3Server.Password}"), server.Fixture.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auth_plain_without_an_initial_response_gets_an_empty_challenge()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync("AUTH PLAIN", "+ ");
        await client.ExpectAsync(B64($"\0{Pop3Server.User}\0{Pop3Server.Password}"), "+OK*");
    }

    [Fact]
    public async Task Auth_login_asks_for_the_user_then_the_password()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync("AUTH LOGIN", "+ *");
        await client.ExpectAsync(B64(Pop3Server.User), "+ *");
        await client.ExpectAsync(B64(Pop3Server.Password), "+OK*");
    }

    [Fact]
    public async Task Wrong_credentials_answer_AUTH()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync("AUTH PLAIN " + B64($"\0{Pop3Server.User}\0wrong"), "-ERR [AUTH] *");
        await client.ExpectAsync("STAT", "-ERR*");
    }

    [Fact]
    public async Task Star_cancels_the_exchange()
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync("AUTH LOGIN", "+ *");
        await client.ExpectAsync("*", "-ERR authentication cancelled");
        await client.ExpectAsync("NOOP", "-ERR command not valid in this state");
    }

    [Theory]
    [InlineData("AUTH PLAIN !!!notbase64")]
    [InlineData("AUTH PLAIN AA==")]
    [InlineData("AUTH CRAM-MD5")]
    [InlineData("AUTH")]
    public async Task Malformed_exchanges_and_unknown_mechanisms_get_ERR(string command)
    {
        await using var server = await Pop3Server.StartAsync();
        await using var client = await ConnectAsync(server);
        await client.ExpectAsync(command, "-ERR*");
        await client.ExpectAsync("USER " + Pop3Server.User, "+OK*");
    }

    private static async Task<RawClient> ConnectAsync(Pop3Server server)
    {
        var client = await RawClient.ConnectAsync(server.Port);
        await client.ExpectLineAsync("+OK*");
        return client;
    }
}
