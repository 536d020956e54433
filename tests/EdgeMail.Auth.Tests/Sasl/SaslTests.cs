using System.Net;
using System.Text;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Scram;
using EdgeMail.Store.Accounts;
using MailKit.Security;

namespace EdgeMail.Auth.Tests.Sasl;

public sealed class SaslTests
{
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";
    private static readonly ScramCredential Main = ScramSecret.Create(Password);

    // The app password shares the account's salt and iterations, so SCRAM can check it too.
    private static readonly AccountCredentials Alice = new(
        new Account(1, User, DateTimeOffset.UnixEpoch),
        Main,
        [new AppPasswordCredential(7, "phone", ScramSecret.Derive("phone app password", Main.Salt, Main.Iterations))]);

    private static Task<AccountCredentials?> Lookup(string user, CancellationToken _) =>
        Task.FromResult(string.Equals(user, User, StringComparison.OrdinalIgnoreCase) ? Alice : null);

    private static ReadOnlyMemory<byte>? Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Plain_with_the_right_password_succeeds()
    {
        var step = await new PlainMechanism(Lookup).StepAsync(Bytes($"\0{User}\0{Password}"), default);
        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal(User, step.Account!.Address);
        Assert.Null(step.AppPassword);
    }

    [Fact]
    public async Task Plain_with_an_app_password_succeeds_and_names_it()
    {
        var step = await new PlainMechanism(Lookup).StepAsync(Bytes($"{User}\0{User}\0phone app password"), default);
        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal("phone", step.AppPassword?.Name);
    }

    [Theory]
    [InlineData("\0alice@edgemail.local\0wrong password", false)]
    [InlineData("\0nobody@edgemail.local\0correct horse battery", false)]
    [InlineData("bob@edgemail.local\0alice@edgemail.local\0correct horse battery", false)]
    [InlineData("no separators at all", true)]
    [InlineData("\0\0correct horse battery", true)]
    public async Task Plain_refuses_wrong_or_malformed_credentials(string message, bool malformed)
    {
        var step = await new PlainMechanism(Lookup).StepAsync(Bytes(message), default);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.Equal(malformed, step.Malformed);
    }

    [Fact]
    public async Task Plain_without_initial_response_sends_an_empty_challenge_first()
    {
        var plain = new PlainMechanism(Lookup);
        var first = await plain.StepAsync(null, default);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        Assert.Empty(first.Data!);
        Assert.Equal(SaslStepKind.Success, (await plain.StepAsync(Bytes($"\0{User}\0{Password}"), default)).Kind);
    }

    [Fact]
    public async Task Login_asks_for_user_name_then_password()
    {
        var login = new LoginMechanism(Lookup);
        Assert.Equal("Username:", Encoding.ASCII.GetString((await login.StepAsync(null, default)).Data!));
        Assert.Equal("Password:", Encoding.ASCII.GetString((await login.StepAsync(Bytes(User), default)).Data!));
        var done = await login.StepAsync(Bytes(Password), default);
        Assert.Equal(SaslStepKind.Success, done.Kind);
    }

    [Fact]
    public async Task Login_with_a_wrong_password_fails()
    {
        var login = new LoginMechanism(Lookup);
        await login.StepAsync(Bytes(User), default);
        Assert.Equal(SaslStepKind.Failure, (await login.StepAsync(Bytes("nope nope"), default)).Kind);
    }

    [Theory]
    [InlineData(Password, null)]
    [InlineData("phone app password", "phone")]
    public async Task Scram_with_MailKit_client_succeeds_and_the_client_verifies_the_server(string password, string? appPassword)
    {
        var (step, client) = await RunScramAsync(User, password);
        Assert.Equal(SaslStepKind.Success, step.Kind);
        Assert.Equal(appPassword, step.AppPassword?.Name);

        // MailKit checks the server signature (v=) and throws if it is wrong.
        client.Challenge(Convert.ToBase64String(step.Data!), CancellationToken.None);
        Assert.True(client.IsAuthenticated);
    }

    [Fact]
    public async Task Scram_with_a_wrong_password_fails()
    {
        var (step, _) = await RunScramAsync(User, "not the password");
        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.False(step.Malformed);
    }

    [Fact]
    public async Task Scram_for_an_unknown_user_looks_like_a_real_one_until_the_end()
    {
        var first = await ServerFirstAsync("nobody@edgemail.local");
        var again = await ServerFirstAsync("nobody@edgemail.local");
        Assert.Contains(",s=", first, StringComparison.Ordinal);
        Assert.Equal(first.Split(",s=")[1], again.Split(",s=")[1]);
        var (step, _) = await RunScramAsync("nobody@edgemail.local", Password);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
    }

    [Theory]
    [InlineData("p=tls-unique,,n=alice@edgemail.local,r=abc")]
    [InlineData("n,,r=abc")]
    [InlineData("n,,n=bad=name,r=abc")]
    [InlineData("garbage")]
    public async Task Scram_refuses_malformed_or_channel_bound_first_messages(string message)
    {
        var step = await new ScramSha256Mechanism(Lookup).StepAsync(Bytes(message), default);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
        Assert.True(step.Malformed);
    }

    [Fact]
    public async Task Scram_refuses_a_final_message_with_another_nonce()
    {
        var scram = new ScramSha256Mechanism(Lookup);
        await scram.StepAsync(Bytes($"n,,n={User},r=clientnonce"), default);
        var step = await scram.StepAsync(Bytes("c=biws,r=someothernonce,p=" + Convert.ToBase64String(new byte[32])), default);
        Assert.Equal(SaslStepKind.Failure, step.Kind);
    }

    [Fact]
    public void Mechanism_names_are_case_insensitive_and_unknown_ones_are_null()
    {
        Assert.IsType<ScramSha256Mechanism>(SaslMechanisms.Create("scram-sha-256", Lookup));
        Assert.IsType<PlainMechanism>(SaslMechanisms.Create("plain", Lookup));
        Assert.Null(SaslMechanisms.Create("CRAM-MD5", Lookup));
    }

    private static async Task<string> ServerFirstAsync(string user)
    {
        var step = await new ScramSha256Mechanism(Lookup).StepAsync(Bytes($"n,,n={user},r=fixednonce"), default);
        Assert.Equal(SaslStepKind.Challenge, step.Kind);
        return Encoding.UTF8.GetString(step.Data!);
    }

    private static async Task<(SaslStep Final, SaslMechanismScramSha256 Client)> RunScramAsync(string user, string password)
    {
        var client = new SaslMechanismScramSha256(new NetworkCredential(user, password));
        var server = new ScramSha256Mechanism(Lookup);
        var clientFirst = Convert.FromBase64String(client.Challenge(null, CancellationToken.None));
        var serverFirst = await server.StepAsync(clientFirst, default);
        Assert.Equal(SaslStepKind.Challenge, serverFirst.Kind);
        var clientFinal = Convert.FromBase64String(client.Challenge(Convert.ToBase64String(serverFirst.Data!), CancellationToken.None));
        return (await server.StepAsync(clientFinal, default), client);
    }
}
