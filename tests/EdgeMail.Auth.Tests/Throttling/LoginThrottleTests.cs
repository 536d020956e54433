using System.Net;
using EdgeMail.Auth.Throttling;
using EdgeMail.Testing;
using Microsoft.Extensions.Options;

namespace EdgeMail.Auth.Tests.Throttling;

public sealed class LoginThrottleTests
{
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.10");

    private readonly ManualTimeProvider _time = new();

    private LoginThrottle Create(Action<LoginThrottleOptions>? configure = null)
    {
        var options = new LoginThrottleOptions();
        configure?.Invoke(options);
        return new LoginThrottle(options, _time);
    }

    private static void Fail(LoginThrottle throttle, IPAddress remote, string? account, int times)
    {
        for (var i = 0; i < times; i++)
        {
            throttle.RecordFailure(remote, account);
        }
    }

    [Fact]
    public void First_attempt_is_allowed()
    {
        var throttle = Create();

        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client));
    }

    [Fact]
    public void Free_failures_are_allowed_without_delay()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 2);

        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(Client).Outcome);
    }

    [Fact]
    public void Delay_starts_at_base_delay_once_free_failures_are_used()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 3);

        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(1)), throttle.Check(Client));
    }

    [Fact]
    public void Delay_doubles_with_each_failure_and_caps_at_max_delay()
    {
        var throttle = Create(o => o.LockoutFailures = 50);
        var seen = new List<TimeSpan>();

        for (var i = 0; i < 9; i++)
        {
            throttle.RecordFailure(Client, "alice");
            seen.Add(throttle.Check(Client).Wait);
        }

        Assert.Equal(
            new[] { 0, 0, 1, 2, 4, 8, 15, 15, 15 }.Select(s => TimeSpan.FromSeconds(s)),
            seen);
    }

    [Fact]
    public void Delay_stays_capped_for_very_many_failures()
    {
        var throttle = Create(o => o.LockoutFailures = 500);

        Fail(throttle, Client, null, 200);

        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(15)), throttle.Check(Client));
    }

    [Fact]
    public void The_address_is_locked_after_lockout_failures()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 9);
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client).Outcome);
        throttle.RecordFailure(Client, "alice");

        Assert.Equal(ThrottleDecision.Locked(_time.GetUtcNow() + TimeSpan.FromMinutes(15)), throttle.Check(Client));
    }

    [Fact]
    public void Attacker_rotating_addresses_never_locks_the_account_it_only_slows_strangers_mildly()
    {
        var throttle = Create();
        var home = IPAddress.Parse("192.0.2.50");
        throttle.RecordSuccess(home, "alice");

        for (var i = 1; i <= 200; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"198.51.{i / 250}.{i % 250}"), "alice");
        }

        // No lockout for anyone: a fresh address is allowed, and only waits the account's capped delay before its answer.
        var fresh = IPAddress.Parse("203.0.113.7");
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(fresh));
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.AccountDelay(fresh, "alice"));
        Assert.Equal(TimeSpan.FromSeconds(4), throttle.AccountDelay(fresh, "ALICE"));
        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(fresh, "bob"));

        // The user's own device, which logged in before, pays nothing.
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(home));
        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(home, "alice"));
    }

    [Fact]
    public void Account_delay_starts_after_its_free_failures_and_doubles_to_its_cap()
    {
        var throttle = Create();
        var seen = new List<TimeSpan>();

        for (var i = 1; i <= 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i}"), "alice");
            seen.Add(throttle.AccountDelay(IPAddress.Parse("203.0.113.7"), "alice"));
        }

        Assert.Equal(new[] { 0, 0, 0, 0, 500, 1000, 2000, 4000, 4000, 4000 }.Select(ms => TimeSpan.FromMilliseconds(ms)), seen);
    }

    [Fact]
    public void A_remembered_address_failing_does_not_raise_the_account_delay()
    {
        var throttle = Create();
        var phone = IPAddress.Parse("192.0.2.60");
        throttle.RecordSuccess(phone, "alice");

        // A phone with a stale password slows only itself.
        Fail(throttle, phone, "alice", 9);

        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(IPAddress.Parse("203.0.113.7"), "alice"));
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(phone).Outcome);
    }

    [Fact]
    public void A_success_is_remembered_for_remember_success_then_forgotten()
    {
        var throttle = Create(o => o.RememberSuccess = TimeSpan.FromDays(2));
        var phone = IPAddress.Parse("192.0.2.60");
        throttle.RecordSuccess(phone, "alice");

        _time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Fail(throttle, IPAddress.Parse("198.51.100.1"), "alice", 5);
        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(phone, "alice"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttle.AccountDelay(phone, "alice"));
        Assert.Equal(0, throttle.RememberedCount);
    }

    [Fact]
    public void Many_failing_addresses_cannot_evict_a_remembered_success()
    {
        var throttle = Create(o => o.MaxTrackedKeys = 10);
        var phone = IPAddress.Parse("192.0.2.60");
        throttle.RecordSuccess(phone, "alice");

        for (var i = 0; i < 100; i++)
        {
            throttle.RecordFailure(new IPAddress(new byte[] { 10, 0, (byte)(i >> 8), (byte)i }), "alice");
        }

        Assert.Equal(10, throttle.TrackedKeyCount);
        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(phone, "alice"));
    }

    [Fact]
    public void Greeting_is_delayed_only_after_a_disconnect_for_failures_and_a_success_lifts_it()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 3);
        Assert.Equal(TimeSpan.Zero, throttle.GreetingDelay(Client));

        throttle.RecordDisconnect(Client);
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.GreetingDelay(Client));
        Fail(throttle, Client, "alice", 3);
        Assert.Equal(TimeSpan.FromSeconds(8), throttle.GreetingDelay(Client));
        Assert.Equal(TimeSpan.Zero, throttle.GreetingDelay(IPAddress.Parse("192.0.2.11")));

        throttle.RecordSuccess(Client, "alice");
        Assert.Equal(TimeSpan.Zero, throttle.GreetingDelay(Client));
    }

    [Fact]
    public void A_locked_address_waits_max_delay_before_its_greeting()
    {
        var throttle = Create();
        Fail(throttle, Client, null, 10);

        Assert.Equal(TimeSpan.FromSeconds(15), throttle.GreetingDelay(Client));
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(TimeSpan.Zero, throttle.GreetingDelay(Client));
    }

    [Fact]
    public void The_same_wrong_password_again_counts_once_but_a_new_one_counts()
    {
        var throttle = Create(o => { o.FreeFailures = 1; o.LockoutFailures = 3; o.AccountFreeFailures = 1; });

        // A stale password retried on every mechanism, poll after poll: one failure, for the address and the account.
        for (var i = 0; i < 20; i++)
        {
            throttle.RecordFailure(Client, "ann@example.org", guess: 42);
        }

        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(1)), throttle.Check(Client));
        Assert.Equal(TimeSpan.FromMilliseconds(500), throttle.AccountDelay(IPAddress.Parse("192.0.2.99"), "ann@example.org"));

        // An unknown guess (SCRAM, where the password is never seen) always counts, and does not hide the last one.
        throttle.RecordFailure(Client, "ann@example.org", guess: null);
        throttle.RecordFailure(Client, "ann@example.org", guess: 42);
        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(2)), throttle.Check(Client));

        // A different password is a new guess: the third counted failure locks the address.
        throttle.RecordFailure(Client, "ann@example.org", guess: 43);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
    }

    [Fact]
    public void Attempts_in_flight_count_towards_the_lockout_but_not_the_delay()
    {
        var throttle = Create();
        for (var i = 0; i < 8; i++)
        {
            throttle.RecordFailure(Client, "ann@example.org", guess: i);
        }

        // Two parallel connections may still try (8 + in flight < 10); a third must wait for their outcome.
        Assert.NotEqual(ThrottleOutcome.Locked, throttle.Admit(Client).Outcome);
        Assert.NotEqual(ThrottleOutcome.Locked, throttle.Admit(Client).Outcome);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Admit(Client).Outcome);

        // One of them succeeds: room again. The user's client opening five connections at once is not delayed.
        throttle.RecordSuccess(Client, "ann@example.org");
        Assert.NotEqual(ThrottleOutcome.Locked, throttle.Admit(Client).Outcome);
        var fresh = IPAddress.Parse("192.0.2.77");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(ThrottleDecision.Allowed, throttle.Admit(fresh));
        }
    }

    [Fact]
    public void The_same_wrong_password_again_does_not_keep_old_failures_alive()
    {
        var throttle = Create(o => o.FreeFailures = 0);
        throttle.RecordFailure(Client, "ann@example.org", guess: 7);
        _time.Advance(TimeSpan.FromMinutes(14));
        throttle.RecordFailure(Client, "ann@example.org", guess: 7);
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client).Outcome);

        // The window counts from the last failure that counted.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client));
    }

    [Fact]
    public void Ipv6_link_local_and_unique_local_addresses_count_each_on_their_own()
    {
        var throttle = Create(o => { o.FreeFailures = 1; o.LockoutFailures = 2; });
        Fail(throttle, IPAddress.Parse("fe80::1%2"), "ann@example.org", 2);
        Fail(throttle, IPAddress.Parse("fd12:3456:789a:1::1"), "ann@example.org", 2);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Parse("fe80::1%3")).Outcome);
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(IPAddress.Parse("fe80::2")));
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(IPAddress.Parse("fd12:3456:789a:1::2")));
        Assert.Equal("fe80::1", LoginThrottle.AddressLabel(IPAddress.Parse("fe80::1%2")));
    }

    [Fact]
    public void One_address_rotating_accounts_gets_the_address_locked()
    {
        var throttle = Create();

        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(Client, $"user{i}");
        }

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(IPAddress.Parse("192.0.2.11")).Outcome);
    }

    [Fact]
    public void Loopback_is_throttled_like_any_other_address()
    {
        var throttle = Create();

        Fail(throttle, IPAddress.Loopback, "alice", 10);

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Loopback).Outcome);
    }

    [Fact]
    public void Lockout_expires_after_lockout_duration()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);

        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client));
    }

    [Fact]
    public void Failures_during_a_lockout_do_not_extend_it()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);
        var until = throttle.Check(Client).LockedUntil;

        _time.Advance(TimeSpan.FromMinutes(5));
        Fail(throttle, Client, "alice", 5);

        Assert.Equal(until, throttle.Check(Client).LockedUntil);
    }

    [Fact]
    public void Window_forgets_old_failures()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 9);

        _time.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client));
        throttle.RecordFailure(Client, "alice");
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client));
    }

    [Fact]
    public void Failures_within_the_window_keep_counting()
    {
        var throttle = Create();

        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(Client, "alice");
            _time.Advance(TimeSpan.FromMinutes(14));
        }

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
    }

    [Fact]
    public void Success_keeps_the_address_count_so_a_valid_account_does_not_reset_guessing()
    {
        var throttle = Create();
        Fail(throttle, Client, "bob", 8);

        throttle.RecordSuccess(Client, "Alice");

        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client).Outcome);
        Assert.Equal(TimeSpan.Zero, throttle.AccountDelay(Client, "alice"));
    }

    [Fact]
    public void Success_does_not_lift_a_lockout_in_force()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);

        throttle.RecordSuccess(Client, "alice");

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
    }

    [Fact]
    public void Ipv6_addresses_in_one_slash_64_share_a_counter()
    {
        var throttle = Create();

        for (var i = 1; i <= 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"2001:db8:1:2::{i:x}"), null);
        }

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")).Outcome);
        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(IPAddress.Parse("2001:db8:1:3::1")).Outcome);
    }

    [Fact]
    public void Ipv4_mapped_ipv6_address_shares_the_ipv4_counter()
    {
        var throttle = Create();

        Fail(throttle, Client.MapToIPv6(), null, 10);

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("ALICE")]
    [InlineData("  alice ")]
    public void Account_case_and_spacing_variants_share_a_counter(string variant)
    {
        var throttle = Create();

        for (var i = 1; i <= 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i}"), i % 2 == 0 ? "alice" : variant);
        }

        Assert.Equal(TimeSpan.FromSeconds(4), throttle.AccountDelay(IPAddress.Parse("203.0.113.7"), "alice"));
    }

    [Fact]
    public void Memory_is_bounded_by_max_tracked_keys()
    {
        var throttle = Create();
        var max = new LoginThrottleOptions().MaxTrackedKeys;

        for (var i = 0; i < max + 100; i++)
        {
            // Distinct addresses in 10.0.0.0/8, in network byte order.
            throttle.RecordFailure(new IPAddress(new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i }), null);
        }

        Assert.Equal(max, throttle.TrackedKeyCount);
    }

    [Fact]
    public void Eviction_forgets_the_least_recently_failed_key()
    {
        var throttle = Create(o => o.MaxTrackedKeys = 3);
        var first = IPAddress.Parse("198.51.100.1");
        Fail(throttle, first, null, 5);
        throttle.RecordFailure(IPAddress.Parse("198.51.100.2"), null);
        throttle.RecordFailure(IPAddress.Parse("198.51.100.3"), null);
        throttle.RecordFailure(first, null);

        throttle.RecordFailure(IPAddress.Parse("198.51.100.4"), null);

        Assert.Equal(3, throttle.TrackedKeyCount);
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(first).Outcome);
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(IPAddress.Parse("198.51.100.2")));
    }

    [Fact]
    public void Concurrent_failures_from_many_threads_are_counted_exactly()
    {
        const int Threads = 16;
        const int PerThread = 500;
        const int Total = Threads * PerThread;
        var throttle = Create(o => o.LockoutFailures = Total);

        // One failure short of the lockout: a lost update would leave it further short, a double count
        // would lock early; only an exact count leaves it unlocked now and locked after one more.
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var count = t == 0 ? PerThread - 1 : PerThread;
            for (var i = 0; i < count; i++)
            {
                throttle.RecordFailure(Client, $"user{t}");
            }
        });

        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client).Outcome);
        throttle.RecordFailure(Client, null);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client).Outcome);
        Assert.Equal(Threads + 1, throttle.TrackedKeyCount);
    }

    [Fact]
    public void Invalid_options_are_rejected_naming_the_key()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Create(o => o.MaxDelay = TimeSpan.FromMilliseconds(10)));

        Assert.Contains("Auth:Throttle:MaxDelay", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_options_are_valid()
    {
        var result = new LoginThrottleOptionsValidator().Validate(null, new LoginThrottleOptions());

        Assert.True(result.Succeeded);
    }
}
