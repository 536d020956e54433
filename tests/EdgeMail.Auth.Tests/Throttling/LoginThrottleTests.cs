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

        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client, "alice"));
    }

    [Fact]
    public void Free_failures_are_allowed_without_delay()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 2);

        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(Client, "alice").Outcome);
    }

    [Fact]
    public void Delay_starts_at_base_delay_once_free_failures_are_used()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 3);

        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(1)), throttle.Check(Client, "alice"));
    }

    [Fact]
    public void Delay_doubles_with_each_failure_and_caps_at_max_delay()
    {
        var throttle = Create(o => o.LockoutFailures = 50);
        var seen = new List<TimeSpan>();

        for (var i = 0; i < 9; i++)
        {
            throttle.RecordFailure(Client, "alice");
            seen.Add(throttle.Check(Client, "alice").Wait);
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

        Assert.Equal(ThrottleDecision.Delay(TimeSpan.FromSeconds(15)), throttle.Check(Client, null));
    }

    [Fact]
    public void Address_and_account_are_locked_after_lockout_failures()
    {
        var throttle = Create();

        Fail(throttle, Client, "alice", 9);
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client, "alice").Outcome);
        throttle.RecordFailure(Client, "alice");

        Assert.Equal(ThrottleDecision.Locked(_time.GetUtcNow() + TimeSpan.FromMinutes(15)), throttle.Check(Client, "alice"));
    }

    [Fact]
    public void Attacker_rotating_addresses_against_one_account_gets_the_account_locked()
    {
        var throttle = Create();

        for (var i = 1; i <= 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"198.51.100.{i}"), "alice");
        }

        var fresh = IPAddress.Parse("203.0.113.7");
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(fresh, "alice").Outcome);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(fresh, "ALICE").Outcome);
        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(fresh, "bob").Outcome);
    }

    [Fact]
    public void One_address_rotating_accounts_gets_the_address_locked()
    {
        var throttle = Create();

        for (var i = 0; i < 10; i++)
        {
            throttle.RecordFailure(Client, $"user{i}");
        }

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, "someone-else").Outcome);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, null).Outcome);
        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(IPAddress.Parse("192.0.2.11"), "someone-else").Outcome);
    }

    [Fact]
    public void Loopback_is_throttled_like_any_other_address()
    {
        var throttle = Create();

        Fail(throttle, IPAddress.Loopback, "alice", 10);

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Loopback, "bob").Outcome);
    }

    [Fact]
    public void Lockout_expires_after_lockout_duration()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);

        _time.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, "alice").Outcome);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client, "alice"));
    }

    [Fact]
    public void Failures_during_a_lockout_do_not_extend_it()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);
        var until = throttle.Check(Client, "alice").LockedUntil;

        _time.Advance(TimeSpan.FromMinutes(5));
        Fail(throttle, Client, "alice", 5);

        Assert.Equal(until, throttle.Check(Client, "alice").LockedUntil);
    }

    [Fact]
    public void Window_forgets_old_failures()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 9);

        _time.Advance(TimeSpan.FromMinutes(15));

        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client, "alice"));
        throttle.RecordFailure(Client, "alice");
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(Client, "alice"));
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

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, "alice").Outcome);
    }

    [Fact]
    public void Success_resets_the_account_but_not_the_address()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 8);

        throttle.RecordSuccess(Client, "Alice");

        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(IPAddress.Parse("198.51.100.1"), "alice"));
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client, null).Outcome);
    }

    [Fact]
    public void Success_does_not_lift_a_lockout_in_force()
    {
        var throttle = Create();
        Fail(throttle, Client, "alice", 10);

        throttle.RecordSuccess(Client, "alice");

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, "alice").Outcome);
    }

    [Fact]
    public void Ipv6_addresses_in_one_slash_64_share_a_counter()
    {
        var throttle = Create();

        for (var i = 1; i <= 10; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"2001:db8:1:2::{i:x}"), null);
        }

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), null).Outcome);
        Assert.Equal(ThrottleOutcome.Allowed, throttle.Check(IPAddress.Parse("2001:db8:1:3::1"), null).Outcome);
    }

    [Fact]
    public void Ipv4_mapped_ipv6_address_shares_the_ipv4_counter()
    {
        var throttle = Create();

        Fail(throttle, Client.MapToIPv6(), null, 10);

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, null).Outcome);
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

        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(IPAddress.Parse("203.0.113.7"), "alice").Outcome);
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
        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(first, null).Outcome);
        Assert.Equal(ThrottleDecision.Allowed, throttle.Check(IPAddress.Parse("198.51.100.2"), null));
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

        Assert.Equal(ThrottleOutcome.Delay, throttle.Check(Client, null).Outcome);
        throttle.RecordFailure(Client, null);
        Assert.Equal(ThrottleOutcome.Locked, throttle.Check(Client, null).Outcome);
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
