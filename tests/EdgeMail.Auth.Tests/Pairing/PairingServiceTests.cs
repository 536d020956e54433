using System.Net;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Pairing;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;
using EdgeMail.Testing;

namespace EdgeMail.Auth.Tests.Pairing;

public sealed class PairingServiceTests : IAsyncLifetime
{
    private const string Ann = "ann@edgemail.local";
    private const string AnnPassword = "ann's main secret";
    private static readonly IPAddress Phone = IPAddress.Parse("192.0.2.7");
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private MailStore _store = null!;
    private Authenticator _auth = null!;
    private PairingWindow _window = null!;
    private PairingService _pairing = null!;

    public Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);
        var throttle = new LoginThrottleOptions();
        _auth = new Authenticator(_store, new LoginThrottle(throttle, _time), new AuthOptions { Throttle = throttle }, _time);
        _window = new PairingWindow(new PairingOptions(), _time);
        _pairing = new PairingService(_store, _auth, _window, ["edgemail.local"]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _window.Dispose();
        _auth.Dispose();
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private Task<PairingResult> PairAsync(string device, string address = Ann, string password = AnnPassword) =>
        _pairing.PairAsync(new PairingRequest(address, password, device, Phone), default);

    private async Task<LoginResult> LoginAsync(string password) =>
        await _auth.LoginAsync(await _auth.AcceptAsync(Phone, "IMAP", default), "LOGIN", Ann, password, default);

    [Fact]
    public async Task Outside_a_window_a_request_is_refused_with_a_reason_and_changes_nothing()
    {
        var result = await PairAsync("phone");
        Assert.Equal(PairingOutcome.WindowClosed, result.Outcome);
        Assert.Contains("no pairing window is open", result.Reason, StringComparison.Ordinal);
        Assert.Null(result.AppPassword);
        Assert.Empty(await _store.ListAccountsAsync());

        // Nor after the window has expired.
        _window.Open();
        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(PairingOutcome.WindowClosed, (await PairAsync("phone")).Outcome);
        Assert.Empty(await _store.ListAccountsAsync());
    }

    [Fact]
    public async Task On_an_empty_box_the_first_request_creates_the_admin_account_and_an_app_password_that_logs_in()
    {
        _window.Open();
        var result = await PairAsync("Ann's phone");

        Assert.Equal(PairingOutcome.Paired, result.Outcome);
        Assert.True(result.CreatedAccount);
        Assert.True(result.Account!.IsAdmin);
        Assert.Equal("Ann's phone", result.Device!.Name);
        Assert.Matches("^[a-z2-7]{4}(-[a-z2-7]{4}){4}$", result.AppPassword);
        Assert.True(Assert.Single(await _store.ListAccountsAsync()).IsAdmin);

        var app = await LoginAsync(result.AppPassword!);
        Assert.True(app.Succeeded);
        Assert.Equal("Ann's phone", app.AppPassword);
        Assert.True((await LoginAsync(AnnPassword)).Succeeded);
    }

    [Fact]
    public async Task The_first_account_must_be_in_a_local_domain_with_a_long_enough_password()
    {
        _window.Open();
        Assert.Equal(PairingOutcome.InvalidAddress, (await PairAsync("phone", address: "ann@example.net")).Outcome);
        Assert.Equal(PairingOutcome.InvalidAddress, (await PairAsync("phone", address: "not an address")).Outcome);
        Assert.Equal(PairingOutcome.PasswordTooShort, (await PairAsync("phone", password: "short")).Outcome);
        Assert.Empty(await _store.ListAccountsAsync());
    }

    [Fact]
    public async Task With_an_account_the_main_password_pairs_a_device_and_refusals_say_why()
    {
        await _store.CreateAccountAsync(Ann, ScramSecret.Create(AnnPassword));
        _window.Open();

        var phone = await PairAsync("phone");
        Assert.Equal(PairingOutcome.Paired, phone.Outcome);
        Assert.False(phone.CreatedAccount);
        Assert.True((await LoginAsync(phone.AppPassword!)).Succeeded);

        Assert.Equal(PairingOutcome.DeviceNameTaken, (await PairAsync("phone")).Outcome);
        Assert.Equal(PairingOutcome.DeviceNameTaken, (await PairAsync(" phone ")).Outcome);
        Assert.Equal(PairingOutcome.InvalidDeviceName, (await PairAsync("bad\u0007name")).Outcome);
        Assert.Equal(PairingOutcome.WrongPassword, (await PairAsync("laptop", password: "a wrong guess")).Outcome);
        var withApp = await PairAsync("laptop", password: phone.AppPassword!);
        Assert.Equal(PairingOutcome.MainPasswordRequired, withApp.Outcome);
        Assert.Equal(["phone"], (await _store.ListAppPasswordsAsync(phone.Account!.Id)).Select(p => p.Name));
    }

    [Fact]
    public async Task A_second_account_is_never_created_by_pairing()
    {
        await _store.CreateAccountAsync(Ann, ScramSecret.Create(AnnPassword));
        _window.Open();
        var result = await PairAsync("phone", address: "bob@edgemail.local", password: "bob's new password");
        Assert.Equal(PairingOutcome.WrongPassword, result.Outcome);
        Assert.Null(await _store.FindAccountAsync("bob@edgemail.local"));
    }
}
