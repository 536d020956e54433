using System.Net;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;
using EdgeMail.Testing;

namespace EdgeMail.Auth.Tests.Login;

public sealed class AuthenticatorTests : IAsyncLifetime
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private MailStore _store = null!;
    private Authenticator _auth = null!;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);
        var account = await _store.CreateAccountAsync("ann@edgemail.local", ScramSecret.Create("main secret"));
        await _store.AddAppPasswordAsync(account.Id, "phone", ScramSecret.Create("phone secret"));
        var options = new LoginThrottleOptions { FreeFailures = 1, LockoutFailures = 3 };
        _auth = new Authenticator(_store, new LoginThrottle(options, _time), _time);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Login_with_the_main_password_succeeds()
    {
        var result = await _auth.LoginAsync(Client, "ann@edgemail.local", "main secret", default);
        Assert.True(result.Succeeded);
        Assert.Equal("ann@edgemail.local", result.Account!.Address);
        Assert.Null(result.AppPassword);
    }

    [Fact]
    public async Task Login_with_an_app_password_names_it_and_records_its_use()
    {
        var result = await _auth.LoginAsync(Client, "ann@edgemail.local", "phone secret", default);
        Assert.True(result.Succeeded);
        Assert.Equal("phone", result.AppPassword);
        var apps = await _store.ListAppPasswordsAsync(result.Account!.Id);
        Assert.NotNull(Assert.Single(apps).LastUsed);
    }

    [Fact]
    public async Task Wrong_passwords_are_delayed_then_locked_out_even_with_the_right_one()
    {
        Assert.Equal(LoginOutcome.Failed, (await _auth.LoginAsync(Client, "ann@edgemail.local", "guess 1", default)).Outcome);

        // The second attempt is past the free failures: it waits for the clock (BaseDelay, 1 s), on a timer.
        var delayed = _auth.LoginAsync(Client, "ann@edgemail.local", "guess 2", default).AsTask();
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the second attempt's delay");
        _time.Advance(TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.False(delayed.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(LoginOutcome.Failed, (await delayed).Outcome);

        // The third waits twice as long (BaseDelay * 2^(failures - FreeFailures)).
        var third = _auth.LoginAsync(Client, "ann@edgemail.local", "guess 3", default).AsTask();
        await Eventually.TrueAsync(() => _time.PendingTimers == 1, "the third attempt's delay");
        _time.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromTicks(1));
        Assert.False(third.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(LoginOutcome.Failed, (await third).Outcome);
        var locked = await _auth.LoginAsync(Client, "ann@edgemail.local", "main secret", default);
        Assert.Equal(LoginOutcome.Locked, locked.Outcome);
    }

    [Fact]
    public async Task A_successful_sasl_exchange_is_recorded_as_a_success()
    {
        Assert.True(await _auth.AdmitAsync(Client, null, default));
        var plain = _auth.CreateMechanism("plain")!;
        var step = await plain.StepAsync("\0ann@edgemail.local\0main secret"u8.ToArray(), default);
        var result = await _auth.CompleteAsync(Client, step, default);
        Assert.True(result.Succeeded);
    }
}
