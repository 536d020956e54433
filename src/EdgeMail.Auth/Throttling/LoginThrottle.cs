using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EdgeMail.Auth.Throttling;

/// <summary>
/// Slows down and then locks out repeated failed logins, per remote address and per account, for every
/// protocol alike. Call <see cref="Check"/> before verifying credentials, then <see cref="RecordFailure"/>
/// or <see cref="RecordSuccess"/> with the outcome. Thread-safe; each call is O(1) and memory is bounded
/// by <see cref="LoginThrottleOptions.MaxTrackedKeys"/>.
/// </summary>
/// <remarks>
/// Counting per address stops one client from guessing across many accounts; counting per account stops
/// a botnet that rotates addresses against one account. Loopback is not exempt: a local relay or webmail
/// that forwards guesses must be throttled too. IPv6 addresses are grouped per /64, since one host
/// usually owns a whole /64 (RFC 7421 §1) and can pick a new address in it for every attempt.
/// </remarks>
public sealed class LoginThrottle
{
    private const string AddressPrefix = "ip:";
    private const string AccountPrefix = "acct:";

    private readonly TimeProvider _time;
    private readonly int _freeFailures;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly int _lockoutFailures;
    private readonly TimeSpan _lockoutDuration;
    private readonly TimeSpan _window;
    private readonly int _maxTrackedKeys;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);

    // Least recently failed first, so eviction takes the head in O(1).
    private readonly LinkedList<Entry> _recency = new();

    public LoginThrottle(LoginThrottleOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var result = new LoginThrottleOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(LoginThrottleOptions), result.Failures);
        }

        // A snapshot, so that a later change to the options object cannot tear the limits mid-call.
        _time = time;
        _freeFailures = options.FreeFailures;
        _baseDelay = options.BaseDelay;
        _maxDelay = options.MaxDelay;
        _lockoutFailures = options.LockoutFailures;
        _lockoutDuration = options.LockoutDuration;
        _window = options.Window;
        _maxTrackedKeys = options.MaxTrackedKeys;
    }

    /// <summary>Addresses and accounts currently tracked; never more than MaxTrackedKeys.</summary>
    internal int TrackedKeyCount
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Decides, before the credentials are verified, whether the attempt may proceed.</summary>
    public ThrottleDecision Check(IPAddress remote, string? account)
    {
        var addressKey = AddressKey(remote);
        var accountKey = AccountKey(account);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var byAddress = Find(addressKey, now);
            var byAccount = accountKey is null ? null : Find(accountKey, now);

            var lockedUntil = DateTimeOffset.MinValue;
            if (byAddress is not null && byAddress.LockedUntil > now)
            {
                lockedUntil = byAddress.LockedUntil;
            }

            if (byAccount is not null && byAccount.LockedUntil > lockedUntil && byAccount.LockedUntil > now)
            {
                lockedUntil = byAccount.LockedUntil;
            }

            if (lockedUntil > now)
            {
                return ThrottleDecision.Locked(lockedUntil);
            }

            var failures = Math.Max(byAddress?.Failures ?? 0, byAccount?.Failures ?? 0);
            return DecisionFor(failures);
        }
    }

    /// <summary>Counts a failed login against the address and, when known, the account.</summary>
    public void RecordFailure(IPAddress remote, string? account)
    {
        var addressKey = AddressKey(remote);
        var accountKey = AccountKey(account);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            Fail(addressKey, now);
            if (accountKey is not null)
            {
                Fail(accountKey, now);
            }

            while (_entries.Count > _maxTrackedKeys)
            {
                var oldest = _recency.First!;
                _recency.RemoveFirst();
                _entries.Remove(oldest.Value.Key);
            }
        }
    }

    /// <summary>
    /// Clears the account's failure count after a successful login. The address keeps its count (it
    /// fades with the window): otherwise a client holding one valid account could log in between
    /// guessing runs against other accounts and start each run with a clean slate.
    /// A lockout in force stays: protocols do not verify passwords while locked, and a success
    /// must not lift a lockout that another attempt earned.
    /// </summary>
    public void RecordSuccess(IPAddress remote, string account)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(account);
        var accountKey = AccountKey(account);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (accountKey is not null)
            {
                Clear(accountKey, now);
            }
        }
    }

    private ThrottleDecision DecisionFor(int failures)
    {
        if (failures < _freeFailures)
        {
            return ThrottleDecision.Allowed;
        }

        // BaseDelay * 2^(failures - FreeFailures), capped; the shift is checked so it cannot overflow.
        var exponent = failures - _freeFailures;
        if (exponent >= 62 || _baseDelay.Ticks > _maxDelay.Ticks >> exponent)
        {
            return ThrottleDecision.Delay(_maxDelay);
        }

        return ThrottleDecision.Delay(TimeSpan.FromTicks(_baseDelay.Ticks << exponent));
    }

    private Entry? Find(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (IsForgotten(node.Value, now))
        {
            _entries.Remove(key);
            _recency.Remove(node);
            return null;
        }

        return node.Value;
    }

    private void Fail(string key, DateTimeOffset now)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
        }
        else
        {
            node = new LinkedListNode<Entry>(new Entry(key));
            _entries.Add(key, node);
        }

        _recency.AddLast(node);
        var entry = node.Value;
        if (entry.LockedUntil > now)
        {
            // Protocols do not check passwords while locked; a failure here changes nothing.
            return;
        }

        if (IsForgotten(entry, now))
        {
            entry.Failures = 0;
        }

        entry.Failures++;
        entry.LastFailure = now;
        if (entry.Failures >= _lockoutFailures)
        {
            entry.LockedUntil = now + _lockoutDuration;

            // After the lockout the count starts again, with its free failures.
            entry.Failures = 0;
        }
    }

    private void Clear(string key, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            return;
        }

        if (node.Value.LockedUntil > now)
        {
            return;
        }

        _entries.Remove(key);
        _recency.Remove(node);
    }

    private bool IsForgotten(Entry entry, DateTimeOffset now) =>
        now >= entry.LockedUntil && now - entry.LastFailure >= _window;

    private static string AddressKey(IPAddress remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        if (remote.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return AddressPrefix + remote;
        }

        // Keep the /64 prefix only; the scope id goes with the interface identifier.
        Span<byte> bytes = stackalloc byte[16];
        remote.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return AddressPrefix + new IPAddress(bytes) + "/64";
    }

    private static string? AccountKey(string? account)
    {
        // Case variants of one name share a counter; InvariantGlobalization makes this culture-free anyway.
        var normalized = account?.Trim().ToLowerInvariant();
        return string.IsNullOrEmpty(normalized) ? null : AccountPrefix + normalized;
    }

    private sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;
    }
}
