using System.Net;
using EdgeMail.Auth.Pairing;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Scram;
using EdgeMail.Store;
using EdgeMail.Testing;
using MailKit.Security;

namespace EdgeMail.Auth.Tests.Sasl;

/// <summary>
/// A password change keeps the account's SCRAM salt (<see cref="ScramSecret.Rederive"/>), so its app passwords keep
/// working on every mechanism; MailKit's client side of each mechanism against ours, on a real store.
/// </summary>
public sealed class PasswordChangeTests : IAsyncLifetime
{
    private const string User = "ann@edgemail.local";
    private readonly TempFolder _data = new();
    private MailStore _store = null!;

    public Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task App_passwords_log_in_before_and_after_a_password_change(string mechanism)
    {
        var account = await _store.CreateAccountAsync(User, ScramSecret.Create("first main password"));
        var phone = await AppPasswords.AddAsync(_store, account, "phone", default);
        Assert.Equal("phone", await LogInAsync(mechanism, phone.Password));

        var current = (await _store.GetCredentialsAsync(User))!.Password;
        await _store.SetPasswordAsync(account.Id, ScramSecret.Rederive("second main password", current));

        Assert.Equal("phone", await LogInAsync(mechanism, phone.Password));
        Assert.Equal("", await LogInAsync(mechanism, "second main password"));
        Assert.Null(await LogInAsync(mechanism, "first main password"));

        // And a device paired after the change too.
        var laptop = await AppPasswords.AddAsync(_store, account, "laptop", default);
        Assert.Equal("laptop", await LogInAsync(mechanism, laptop.Password));
    }

    // The app password's name on success ("" for the main password), null on failure.
    private async Task<string?> LogInAsync(string name, string password)
    {
        var credential = new NetworkCredential(User, password);
        SaslMechanism client = name switch
        {
            "SCRAM-SHA-256" => new SaslMechanismScramSha256(credential),
            "PLAIN" => new SaslMechanismPlain(credential),
            _ => new SaslMechanismLogin(credential),
        };
        var server = SaslMechanisms.Create(name, _store.GetCredentialsAsync)!;
        // A null byte[] would become an empty, non-null initial response: the cast keeps "none" as null.
        var response = client.SupportsInitialResponse ? Convert.FromBase64String(client.Challenge(null, default)) : (ReadOnlyMemory<byte>?)null;
        while (true)
        {
            var step = await server.StepAsync(response, default);
            switch (step.Kind)
            {
                case SaslStepKind.Success:
                    if (step.Data is { Length: > 0 } final)
                    {
                        // MailKit checks the server's signature (SCRAM's v=).
                        client.Challenge(Convert.ToBase64String(final), default);
                        Assert.True(client.IsAuthenticated);
                    }

                    return step.AppPassword?.Name ?? "";
                case SaslStepKind.Failure:
                    return null;
            }

            response = Convert.FromBase64String(client.Challenge(Convert.ToBase64String(step.Data ?? []), default));
        }
    }
}
