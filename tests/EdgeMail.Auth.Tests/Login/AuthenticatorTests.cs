using System.Net;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Sasl;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Throttling;
using EdgeMail.Store;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Auth.Tests.Login;

public sealed class AuthenticatorTests : IAsyncLifetime
{
    private const string Ann = "ann@edgemail.local";
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");
    private static readonly IPAddress Other = IPAddress.Parse("192.0.2.8");
    private readonly TempFolder _data = new();
    private readonly ManualTimeProvider _time = new();
    private readonly CollectingLoggerFactory _logs = new();
    private MailStore _store = null!;
    private Authenticator _auth = null!;

    public async Task InitializeAsync()
    {
        _store = MailStore.Open(new StoreOptions { Path = _data.Path }, StoreOpenMode.Service, _time);
        var account = await _store.CreateAccountAsync(Ann, ScramSecret.Create("main secret"));
        await _store.AddAppPasswordAsync(account.Id, "phone", ScramSecret.Create("phone secret"));
        var throttle = new LoginThrottleOptions { FreeFailures = 1, LockoutFailures = 3, AccountFreeFailures = 1 };
        _auth = new Authenticator(_store, new LoginThrottle(throttle, _time), new AuthOptions { MaxFailuresPerConnection = 3, Throttle = throttle }, _time, _logs.CreateLogger<Authenticator>());
    }

    public async Task DisposeAsync()
    {
        _auth.Dispose();
        await _store.DisposeAsync();
        _data.Dispose();
    }

    private async Task<LoginAttempts> ConnectAsync(IPAddress remote) => await _auth.AcceptAsync(remote, "IMAP", default);

    private async Task<LoginResult> LoginAsync(LoginAttempts client, string password) =>
        await _auth.LoginAsync(client, "LOGIN", Ann, password, default);

    // Completes a task that waits on the manual clock: proves it waits exactly each of `waits` in turn (a timer due at
    // now + wait, and no answer a tick before it), then lets it finish.
    private async Task<T> AfterAsync<T>(Task<T> waiting, params TimeSpan[] waits)
    {
        foreach (var wait in waits)
        {
            var due = _time.GetUtcNow() + wait;
            await Eventually.TrueAsync(() => _time.HasTimerDueAt(due) || waiting.IsCompleted, $"a delay of {wait}");
            Assert.False(waiting.IsCompleted, $"answered before its delay of {wait}");
            _time.Advance(wait - TimeSpan.FromTicks(1));
            Assert.False(waiting.IsCompleted, $"answered before its delay of {wait}");
            _time.Advance(TimeSpan.FromTicks(1));
        }

        return await waiting;
    }

    [Fact]
    public async Task Login_with_the_main_password_succeeds()
    {
        var result = await LoginAsync(await ConnectAsync(Client), "main secret");
        Assert.True(result.Succeeded);
        Assert.Equal(Ann, result.Account!.Address);
        Assert.Null(result.AppPassword);
        Assert.False(result.Disconnect);
    }

    [Fact]
    public async Task An_app_password_login_names_it_and_writes_its_last_use_at_most_hourly()
    {
        var client = await ConnectAsync(Client);
        var result = await LoginAsync(client, "phone secret");
        Assert.True(result.Succeeded);
        Assert.Equal("phone", result.AppPassword);
        var first = Assert.Single(await _store.ListAppPasswordsAsync(result.Account!.Id)).LastUsed;
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), first!.Value.ToUnixTimeMilliseconds());

        // A phone polling every few minutes does not write the card each time...
        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await LoginAsync(client, "phone secret")).Succeeded);
        Assert.Equal(first, Assert.Single(await _store.ListAppPasswordsAsync(result.Account.Id)).LastUsed);

        // ...but an hour after the last write, the next login writes again.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await LoginAsync(client, "phone secret")).Succeeded);
        Assert.Equal(_time.GetUtcNow(), Assert.Single(await _store.ListAppPasswordsAsync(result.Account.Id)).LastUsed);
    }

    [Fact]
    public async Task An_app_password_login_records_where_it_came_from_and_a_new_address_writes_at_once()
    {
        var result = await LoginAsync(await ConnectAsync(Client), "phone secret");
        var listed = Assert.Single(await _store.ListAppPasswordsAsync(result.Account!.Id));
        Assert.Equal("192.0.2.7", listed.LastUsedFrom);

        // Within the hour, but from another address (the phone left the Wi-Fi): written, so the list says where.
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.True((await LoginAsync(await ConnectAsync(IPAddress.Parse("::ffff:192.0.2.8")), "phone secret")).Succeeded);
        listed = Assert.Single(await _store.ListAppPasswordsAsync(result.Account.Id));
        Assert.Equal("192.0.2.8", listed.LastUsedFrom);
        Assert.Equal(_time.GetUtcNow(), listed.LastUsed);
    }

    [Fact]
    public async Task Revoking_an_app_password_cancels_its_logins_and_refuses_the_next_one()
    {
        var client = await ConnectAsync(Client);
        var first = await LoginAsync(client, "phone secret");
        var second = await LoginAsync(await ConnectAsync(Other), "phone secret");
        var main = await LoginAsync(client, "main secret");
        Assert.True(first.Revoked.CanBeCanceled);
        Assert.False(main.Revoked.CanBeCanceled);

        Assert.True(await _auth.RevokeAppPasswordAsync(first.Account!.Id, "phone", default));
        Assert.True(first.Revoked.IsCancellationRequested);
        Assert.True(second.Revoked.IsCancellationRequested);
        Assert.False(await _auth.RevokeAppPasswordAsync(first.Account.Id, "phone", default));

        Assert.Equal(LoginOutcome.Failed, (await LoginAsync(await ConnectAsync(Other), "phone secret")).Outcome);
        Assert.True((await LoginAsync(await ConnectAsync(Client), "main secret")).Succeeded);
    }

    [Fact]
    public async Task A_new_app_password_of_the_same_name_starts_with_a_live_token()
    {
        var account = (await _store.FindAccountAsync(Ann))!;
        Assert.True(await _auth.RevokeAppPasswordAsync(account.Id, "phone", default));
        await _store.AddAppPasswordAsync(account.Id, "phone", ScramSecret.Create("new phone secret"));

        var result = await LoginAsync(await ConnectAsync(Client), "new phone secret");
        Assert.True(result.Succeeded);
        Assert.False(result.Revoked.IsCancellationRequested);
    }

    [Fact]
    public async Task Wrong_passwords_delay_then_lock_the_address_but_another_address_still_logs_in()
    {
        var client = await ConnectAsync(Client);
        Assert.Equal(LoginOutcome.Failed, (await LoginAsync(client, "guess 1")).Outcome);

        // Past the free failure: the address waits BaseDelay (1 s) before the check, the account's 500 ms before the answer.
        var second = LoginAsync(client, "guess 2");
        Assert.Equal(LoginOutcome.Failed, (await AfterAsync(second, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500))).Outcome);
        var third = LoginAsync(client, "guess 3");
        var locking = await AfterAsync(third, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1));
        Assert.Equal(LoginOutcome.Failed, locking.Outcome);
        Assert.True(locking.Disconnect, "the third failure on one connection closes it");

        // The address is locked: even the right password is refused at once, and that closes the connection.
        var fresh = AcceptAfterAsync(Client, TimeSpan.FromSeconds(15));
        var locked = await LoginAsync(await fresh, "main secret");
        Assert.Equal(LoginOutcome.Locked, locked.Outcome);
        Assert.True(locked.Disconnect);

        // Nobody else is locked out: from another address the right password works, after the account's mild delay.
        var other = await ConnectAsync(Other);
        var success = await AfterAsync(LoginAsync(other, "main secret"), TimeSpan.FromSeconds(2));
        Assert.True(success.Succeeded);
    }

    private Task<LoginAttempts> AcceptAfterAsync(IPAddress remote, TimeSpan wait) =>
        AfterAsync(_auth.AcceptAsync(remote, "IMAP", default).AsTask(), wait);

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    [InlineData("SCRAM-SHA-256")]
    public async Task A_locked_address_is_refused_on_every_mechanism_before_any_check(string mechanism)
    {
        // Three wrong passwords over LOGIN lock the address (LockoutFailures 3), stepping the clock through their delays.
        var client = await ConnectAsync(Client);
        for (var i = 0; i < 3; i++)
        {
            var pending = LoginAsync(client, "guess " + i);
            while (!pending.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Yield();
            }
        }

        var attempts = await AcceptAfterAsync(Client, TimeSpan.FromSeconds(15));
        Assert.False(await _auth.AdmitAsync(attempts, "AUTH " + mechanism, default));
        Assert.NotNull(_auth.CreateMechanism(mechanism));
    }

    [Fact]
    public async Task The_account_delay_is_waited_for_right_and_wrong_answers_alike_except_by_known_devices()
    {
        // A stranger's two failures from two addresses raise Ann's account delay (AccountFreeFailures 1: 500 ms, then 1 s).
        await LoginAsync(await ConnectAsync(IPAddress.Parse("198.51.100.1")), "guess");
        await AfterAsync(LoginAsync(await ConnectAsync(IPAddress.Parse("198.51.100.2")), "guess"), TimeSpan.FromMilliseconds(500));

        // A new address waits before it learns anything, whether its password was right or wrong (the wait tells nothing).
        var wrong = LoginAsync(await ConnectAsync(IPAddress.Parse("198.51.100.3")), "guess");
        Assert.Equal(LoginOutcome.Failed, (await AfterAsync(wrong, TimeSpan.FromSeconds(1))).Outcome);
        var right = LoginAsync(await ConnectAsync(Client), "main secret");
        Assert.True((await AfterAsync(right, TimeSpan.FromSeconds(2))).Succeeded);

        // Now the client's address is known for Ann: no account delay, whatever strangers do (a success does not
        // reset the strangers' count: 3 failures so far, so 2 s for the fourth).
        await AfterAsync(LoginAsync(await ConnectAsync(IPAddress.Parse("198.51.100.4")), "guess"), TimeSpan.FromSeconds(2));
        Assert.True((await LoginAsync(await ConnectAsync(Client), "main secret")).Succeeded);

        // An app password used within RememberSuccess is exempt from a new address too (the phone on mobile data).
        Assert.True((await AfterAsync(LoginAsync(await ConnectAsync(Other), "phone secret"), TimeSpan.FromSeconds(4))).Succeeded);
        Assert.True((await LoginAsync(await ConnectAsync(IPAddress.Parse("203.0.113.9")), "phone secret")).Succeeded);
    }

    [Fact]
    public async Task A_client_retrying_one_wrong_password_on_each_mechanism_is_not_disconnected()
    {
        // As MailKit's Authenticate does: SCRAM-SHA-256, then PLAIN, then LOGIN, then the IMAP LOGIN command, one password.
        var client = await ConnectAsync(Client);
        var scram = _auth.CreateMechanism("SCRAM-SHA-256")!;
        var first = await scram.StepAsync("n,,n=ann@edgemail.local,r=abcdefghijklmnop"u8.ToArray(), default);
        Assert.Equal(SaslStepKind.Challenge, first.Kind);
        var proof = Convert.ToBase64String(new byte[32]);
        var nonce = System.Text.Encoding.ASCII.GetString(first.Data!).Split(',')[0][2..];
        var last = await scram.StepAsync(System.Text.Encoding.ASCII.GetBytes($"c=biws,r={nonce},p={proof}"), default);
        Assert.False((await _auth.CompleteAsync(client, "AUTHENTICATE SCRAM-SHA-256", last, default)).Succeeded);

        string[] mechanisms = ["AUTHENTICATE PLAIN", "AUTHENTICATE LOGIN", "LOGIN"];
        foreach (var mechanism in mechanisms)
        {
            var pending = _auth.LoginAsync(client, mechanism, Ann, "stale secret", default);
            while (!pending.IsCompleted)
            {
                _time.Advance(TimeSpan.FromMilliseconds(250));
                await Task.Yield();
            }

            var result = await pending;
            Assert.Equal(LoginOutcome.Failed, result.Outcome);
            Assert.False(result.Disconnect, mechanism + " with the same password closed the connection");
        }

        Assert.Equal(2, client.Failures);

        // A second, different password is the third failure: that closes it.
        var another = _auth.LoginAsync(client, "LOGIN", Ann, "another guess", default);
        while (!another.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
        }

        Assert.True((await another).Disconnect);
    }

    [Fact]
    public async Task Stopping_writes_the_summaries_still_counted()
    {
        var throttle = new LoginThrottleOptions { FreeFailures = 100, LockoutFailures = 101, AccountFreeFailures = 100 };
        var auth = new Authenticator(_store, new LoginThrottle(throttle, _time), new AuthOptions { MaxFailuresPerConnection = 100, Throttle = throttle }, _time, _logs.CreateLogger<Authenticator>());
        var client = await auth.AcceptAsync(Client, "IMAP", default);
        for (var i = 0; i < 3; i++)
        {
            await auth.LoginAsync(client, "LOGIN", "mallory\u202e", "guess " + i, default);
        }

        auth.Dispose();
        var lines = _logs.Entries.Where(e => e.Message.Contains("failed login", StringComparison.OrdinalIgnoreCase)).Select(e => e.Message).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("2 more failed logins from 192.0.2.7", lines[1]);
        Assert.All(lines, l => Assert.Contains("as mallory? over", l));
    }

    [Fact]
    public async Task A_successful_sasl_exchange_is_recorded_as_a_success()
    {
        var client = await ConnectAsync(Client);
        Assert.True(await _auth.AdmitAsync(client, "AUTH PLAIN", default));
        var plain = _auth.CreateMechanism("plain")!;
        var step = await plain.StepAsync("\0ann@edgemail.local\0main secret"u8.ToArray(), default);
        var result = await _auth.CompleteAsync(client, "AUTH PLAIN", step, default);
        Assert.True(result.Succeeded);
        Assert.Equal(0, client.Failures);
    }

    [Fact]
    public async Task Failed_logins_are_logged_once_per_address_then_summarised_each_minute_without_passwords()
    {
        var throttle = new LoginThrottleOptions { FreeFailures = 100, LockoutFailures = 101, AccountFreeFailures = 100 };
        using var auth = new Authenticator(_store, new LoginThrottle(throttle, _time), new AuthOptions { MaxFailuresPerConnection = 100, Throttle = throttle }, _time, _logs.CreateLogger<Authenticator>());
        for (var i = 0; i < 50; i++)
        {
            var remote = i % 2 == 0 ? Client : Other;
            await auth.LoginAsync(await auth.AcceptAsync(remote, "POP3", default), "USER/PASS", Ann, "secret guess " + i, default);
        }

        var lines = Failures();
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains("192.0.2.7", StringComparison.Ordinal) && l.Contains("POP3 USER/PASS", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(2, Failures().Length);

        _time.Advance(TimeSpan.FromSeconds(1));
        lines = Failures();
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.StartsWith("24 more failed logins from 192.0.2.7", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("24 more failed logins from 192.0.2.8", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.Message.Contains("secret", StringComparison.Ordinal));

        // A new minute starts with a line of its own again.
        await auth.LoginAsync(await auth.AcceptAsync(Client, "SMTP", default), "AUTH PLAIN", "bob\u0007", "x", default);
        Assert.Contains(Failures(), l => l.Contains("as bob? over SMTP AUTH PLAIN", StringComparison.Ordinal));

        string[] Failures() => [.. _logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("failed login", StringComparison.OrdinalIgnoreCase)).Select(e => e.Message)];
    }
}
