using System.Net;
using EdgeMail.Auth.Admin;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Pairing;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Tests.TwoFactor;
using EdgeMail.Auth.Throttling;
using EdgeMail.Auth.TwoFactor;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Testing;

namespace EdgeMail.Auth.Tests.Admin;

public sealed class AdminLoginTests : IAsyncLifetime
{
    private const string Ann = "ann@edgemail.local";
    private const string AnnPassword = "ann's main secret";
    private const string Bob = "bob@edgemail.local";
    private const string BobPassword = "bob's main secret";
    private static readonly IPAddress Browser = IPAddress.Parse("192.0.2.20");
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private MailStore _store = null!;
    private LoginThrottle _throttle = null!;
    private Authenticator _auth = null!;
    private TwoFactorService _twoFactor = null!;
    private AdminLogin _login = null!;
    private Account _ann = null!;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);

        // Four free failures, the fifth locks: few enough to reach, and no delay to step through before it.
        var throttle = new LoginThrottleOptions { FreeFailures = 4, LockoutFailures = 5 };
        _throttle = new LoginThrottle(throttle, _time);
        _auth = new Authenticator(_store, _throttle, new AuthOptions { MaxFailuresPerConnection = 10, Throttle = throttle }, _time);
        _twoFactor = new TwoFactorService(_store, _time);
        _login = new AdminLogin(_store, _auth, _twoFactor);
        _ann = await _store.CreateAccountAsync(Ann, ScramSecret.Create(AnnPassword));
        await _store.CreateAccountAsync(Bob, ScramSecret.Create(BobPassword));
    }

    public async Task DisposeAsync()
    {
        _auth.Dispose();
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private Task<AdminLoginResult> LoginAsync(string address, string password, string? code = null) =>
        _login.LoginAsync(new AdminLoginRequest(address, password, code, Browser), default);

    /// <summary>Turns TOTP on for Ann; the secret in base32, and the recovery codes.</summary>
    private async Task<(string Secret, IReadOnlyList<string> Codes)> EnableAsync()
    {
        var begun = await _twoFactor.BeginAsync(_ann, default);
        var confirmed = await _twoFactor.ConfirmAsync(_ann, TwoFactorServiceTests.CodeFor(begun.Secret!, _time), default);
        Assert.Equal(TwoFactorOutcome.Enabled, confirmed.Outcome);

        // The confirming code's step is spent: log in from the next one on.
        _time.Advance(TimeSpan.FromSeconds(30));
        return (begun.Secret!, confirmed.RecoveryCodes!);
    }

    /// <summary>Steps the clock through the throttle's delays until <paramref name="pending"/> ends.</summary>
    private async Task<T> SteppingClockAsync<T>(Task<T> pending)
    {
        while (!pending.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }

        return await pending;
    }

    [Fact]
    public async Task The_admin_with_the_right_password_and_no_totp_logs_in()
    {
        var result = await LoginAsync(Ann, AnnPassword);
        Assert.Equal(AdminLoginOutcome.Success, result.Outcome);
        Assert.Equal(Ann, result.Account!.Address);
        Assert.True(result.Account.IsAdmin);
    }

    [Theory]
    [InlineData(Ann, "not the password")]
    [InlineData("nobody@edgemail.local", AnnPassword)]
    public async Task A_wrong_password_or_address_is_one_answer(string address, string password)
    {
        var result = await LoginAsync(address, password);
        Assert.Equal(AdminLoginOutcome.WrongCredentials, result.Outcome);
        Assert.Null(result.Account);
        Assert.Equal("wrong address or password", result.Reason);
    }

    [Fact]
    public async Task Another_account_with_its_right_password_is_not_the_admin()
    {
        var result = await LoginAsync(Bob, BobPassword);
        Assert.Equal(AdminLoginOutcome.NotAdmin, result.Outcome);
        Assert.Null(result.Account);
    }

    [Fact]
    public async Task The_admins_app_password_is_refused()
    {
        var device = await AppPasswords.AddAsync(_store, _ann, "Ann's phone", default);
        var result = await LoginAsync(Ann, device.Password);
        Assert.Equal(AdminLoginOutcome.AppPasswordRefused, result.Outcome);
        Assert.Null(result.Account);
    }

    [Fact]
    public async Task With_the_admin_account_removed_the_oldest_account_is_the_admin()
    {
        Assert.True(await _store.DeleteAccountAsync(Ann));
        Assert.False((await _store.FindAccountAsync(Bob))!.IsAdmin);

        Assert.Equal(AdminLoginOutcome.Success, (await LoginAsync(Bob, BobPassword)).Outcome);
    }

    [Fact]
    public async Task With_totp_on_the_password_alone_asks_for_the_code_and_a_current_code_logs_in_once()
    {
        var (secret, _) = await EnableAsync();

        var first = await LoginAsync(Ann, AnnPassword);
        Assert.Equal(AdminLoginOutcome.SecondFactorRequired, first.Outcome);
        Assert.Null(first.Account);

        var code = TwoFactorServiceTests.CodeFor(secret, _time);
        var second = await LoginAsync(Ann, AnnPassword, code);
        Assert.Equal(AdminLoginOutcome.Success, second.Outcome);
        Assert.False(second.UsedRecoveryCode);

        // The same code again is a replay.
        Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await LoginAsync(Ann, AnnPassword, code)).Outcome);
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_a_right_code_with_a_wrong_password_is_wrong_credentials()
    {
        var (secret, _) = await EnableAsync();
        Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await LoginAsync(Ann, AnnPassword, TwoFactorServiceTests.CodeFor(secret, _time, 3))).Outcome);
        Assert.Equal(AdminLoginOutcome.WrongCredentials, (await LoginAsync(Ann, "not the password", TwoFactorServiceTests.CodeFor(secret, _time))).Outcome);

        // That code was never accepted: it still works with the password.
        Assert.Equal(AdminLoginOutcome.Success, (await LoginAsync(Ann, AnnPassword, TwoFactorServiceTests.CodeFor(secret, _time))).Outcome);
    }

    [Fact]
    public async Task A_recovery_code_logs_in_once_and_says_how_many_are_left()
    {
        var (_, codes) = await EnableAsync();

        var result = await LoginAsync(Ann, AnnPassword, codes[3]);
        Assert.Equal(AdminLoginOutcome.Success, result.Outcome);
        Assert.True(result.UsedRecoveryCode);
        Assert.Equal(RecoveryCodes.Count - 1, result.RecoveryCodesLeft);

        Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await LoginAsync(Ann, AnnPassword, codes[3])).Outcome);
    }

    [Fact]
    public async Task Wrong_codes_count_in_the_login_throttle_until_the_address_is_locked()
    {
        var (secret, _) = await EnableAsync();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await LoginAsync(Ann, AnnPassword, "00000" + i)).Outcome);
        }

        // Four failures recorded for the address though every password was right: the next attempt waits.
        Assert.Equal(ThrottleOutcome.Delay, _throttle.Check(Browser).Outcome);

        Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await SteppingClockAsync(LoginAsync(Ann, AnnPassword, "000009"))).Outcome);
        Assert.Equal(ThrottleOutcome.Locked, _throttle.Check(Browser).Outcome);

        // Locked: refused before the password or the code is checked, even with the right ones (after the greeting
        // delay a locked address waits).
        var locked = await SteppingClockAsync(LoginAsync(Ann, AnnPassword, TwoFactorServiceTests.CodeFor(secret, _time)));
        Assert.Equal(AdminLoginOutcome.Locked, locked.Outcome);

        // Other addresses, and the account itself, are not locked out.
        var other = await _login.LoginAsync(new AdminLoginRequest(Ann, AnnPassword, TwoFactorServiceTests.CodeFor(secret, _time), IPAddress.Parse("192.0.2.21")), default);
        Assert.Equal(AdminLoginOutcome.Success, other.Outcome);
    }

    [Fact]
    public async Task A_replayed_code_counts_as_a_failure_too()
    {
        var (secret, _) = await EnableAsync();
        var code = TwoFactorServiceTests.CodeFor(secret, _time);
        Assert.Equal(AdminLoginOutcome.Success, (await LoginAsync(Ann, AnnPassword, code)).Outcome);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(AdminLoginOutcome.WrongSecondFactor, (await LoginAsync(Ann, AnnPassword, code)).Outcome);
        }

        Assert.Equal(ThrottleOutcome.Delay, _throttle.Check(Browser).Outcome);
    }

    [Fact]
    public async Task The_admin_login_goes_through_the_shared_throttle_with_imap_failures()
    {
        // Four wrong IMAP passwords from the address, then the page: the address's delay applies there too.
        for (var i = 0; i < 4; i++)
        {
            var client = await _auth.AcceptAsync(Browser, "IMAP", default);
            Assert.False((await _auth.LoginAsync(client, "LOGIN", Ann, "guess " + i, default)).Succeeded);
        }

        Assert.Equal(AdminLoginOutcome.WrongCredentials, (await SteppingClockAsync(LoginAsync(Ann, "guess 9"))).Outcome);
        Assert.Equal(AdminLoginOutcome.Locked, (await SteppingClockAsync(LoginAsync(Ann, AnnPassword))).Outcome);
    }
}
