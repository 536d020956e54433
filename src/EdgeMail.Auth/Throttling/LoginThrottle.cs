using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace EdgeMail.Auth.Throttling;

/// <summary>
/// Slows down and then locks out a remote address that keeps failing to log in, for every protocol and mechanism
/// alike, and slows guessing against one account mildly, without ever letting a stranger lock its owner out.
/// The Authenticator calls <see cref="Admit"/> before it verifies credentials (<see cref="Check"/> is the same
/// decision without counting the attempt in flight), <see cref="AccountDelay"/> before it
/// answers, then <see cref="RecordFailure"/> or <see cref="RecordSuccess"/>; a protocol asks
/// <see cref="GreetingDelay"/> before it greets. Thread-safe; each call is O(1) and memory is bounded by
/// <see cref="LoginThrottleOptions.MaxTrackedKeys"/> per table.
/// </summary>
/// <remarks>
/// As Dovecot's auth penalty and mox's limiter, the lockout is per address: a locked address is refused without its
/// credentials being checked, on every mechanism, so rotating mechanisms gains nothing. A lockout per account would
/// let anyone lock the office out of its mail with ten wrong passwords, so per account there is only a capped delay
/// (<see cref="LoginThrottleOptions.AccountMaxDelay"/>), which an address that logged in to the account recently does
/// not pay at all: a botnet rotating addresses is slowed, the user's own devices are not.
/// Loopback is not exempt: a local relay or webmail that forwards guesses must be throttled too. IPv6 addresses are
/// grouped per /64, since one host usually owns a whole /64 (RFC 7421 §1) and can pick a new address in it for every
/// attempt.
/// </remarks>
public sealed class LoginThrottle
{
    private const string AddressPrefix = "ip:";
    private const string AccountPrefix = "acct:";
    private const int MaxAccountKeyLength = 320;

    private readonly TimeProvider _time;
    private readonly LoginThrottleOptions _limits;

    private readonly Lock _gate = new();

    // Failure counters of addresses and accounts; successes in a table of their own, so that a flood of failures
    // from many addresses cannot evict what the user's devices earned.
    private readonly RecencyTable<FailureEntry> _failures;
    private readonly RecencyTable<SuccessEntry> _successes;

    public LoginThrottle(LoginThrottleOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var result = new LoginThrottleOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(LoginThrottleOptions), result.Failures);
        }

        // A copy, so that a later change to the options object cannot tear the limits mid-call.
        _limits = new LoginThrottleOptions
        {
            FreeFailures = options.FreeFailures,
            BaseDelay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            LockoutFailures = options.LockoutFailures,
            LockoutDuration = options.LockoutDuration,
            Window = options.Window,
            AccountFreeFailures = options.AccountFreeFailures,
            AccountBaseDelay = options.AccountBaseDelay,
            AccountMaxDelay = options.AccountMaxDelay,
            RememberSuccess = options.RememberSuccess,
            MaxTrackedKeys = options.MaxTrackedKeys,
        };
        _time = time;
        _failures = new RecencyTable<FailureEntry>(options.MaxTrackedKeys);
        _successes = new RecencyTable<SuccessEntry>(options.MaxTrackedKeys);
    }

    /// <summary>How long a successful login exempts its address and app password from the account delay.</summary>
    public TimeSpan RememberSuccess => _limits.RememberSuccess;

    /// <summary>Addresses and accounts with failures currently tracked; never more than MaxTrackedKeys.</summary>
    internal int TrackedKeyCount
    {
        get
        {
            lock (_gate)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>Remembered successful address/account pairs; never more than MaxTrackedKeys.</summary>
    internal int RememberedCount
    {
        get
        {
            lock (_gate)
            {
                return _successes.Count;
            }
        }
    }

    /// <summary>Decides, before any credentials are verified, whether an attempt from this address may proceed.</summary>
    public ThrottleDecision Check(IPAddress remote)
    {
        var key = AddressKey(remote);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var entry = FindFailures(key, now);
            if (entry is null)
            {
                return ThrottleDecision.Allowed;
            }

            return Decide(entry, now);
        }
    }

    /// <summary>
    /// <see cref="Check"/> for an attempt that goes on to verify credentials: an admitted attempt counts as in flight
    /// until its outcome is recorded, so that many parallel connections cannot all start a guess before the failures
    /// that lock the address are recorded (the lockout holds at failures + attempts in flight). Delays count recorded
    /// failures only, so the user's client opening five connections at once is not slowed. An attempt abandoned
    /// mid-exchange stays in flight until the address's entry fades with the window.
    /// </summary>
    public ThrottleDecision Admit(IPAddress remote)
    {
        var key = AddressKey(remote);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var entry = GetFailures(key, now);
            var decision = Decide(entry, now);
            if (decision.Outcome != ThrottleOutcome.Locked)
            {
                entry.InFlight++;
            }

            return decision;
        }
    }

    private ThrottleDecision Decide(FailureEntry entry, DateTimeOffset now)
    {
        if (entry.LockedUntil > now)
        {
            return ThrottleDecision.Locked(entry.LockedUntil);
        }

        if (entry.Failures + entry.InFlight >= _limits.LockoutFailures)
        {
            return ThrottleDecision.Locked(now + _limits.LockoutDuration);
        }

        var wait = DelayFor(entry.Failures, _limits.FreeFailures, _limits.BaseDelay, _limits.MaxDelay);
        return wait == TimeSpan.Zero ? ThrottleDecision.Allowed : ThrottleDecision.Delay(wait);
    }

    /// <summary>
    /// How long to wait before answering an attempt on this account from this address, whatever its outcome (so the
    /// wait tells nothing): zero when the address logged in to the account recently, else the account's mild delay.
    /// </summary>
    public TimeSpan AccountDelay(IPAddress remote, string? account)
    {
        var accountKey = AccountKey(account);
        if (accountKey is null)
        {
            return TimeSpan.Zero;
        }

        var pairKey = PairKey(AddressKey(remote), accountKey);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (FindSuccess(pairKey, now) is not null)
            {
                return TimeSpan.Zero;
            }

            var entry = FindFailures(accountKey, now);
            return entry is null ? TimeSpan.Zero : DelayFor(entry.Failures, _limits.AccountFreeFailures, _limits.AccountBaseDelay, _limits.AccountMaxDelay);
        }
    }

    /// <summary>
    /// Counts a failed login against the address and, unless the address logged in to it recently, the account
    /// (a phone with a stale password slows only itself). As in Dovecot's auth penalty, the same wrong password again
    /// from the address (<paramref name="guess"/> equal to its last one) counts nothing: it tries nothing new, and a
    /// client retrying on each mechanism, or a phone polling with a stale password, does not lock its address out.
    /// </summary>
    public void RecordFailure(IPAddress remote, string? account, long? guess = null)
    {
        var addressKey = AddressKey(remote);
        var accountKey = AccountKey(account);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var address = GetFailures(addressKey, now);
            address.InFlight = Math.Max(0, address.InFlight - 1);
            if (guess is not null && guess == address.LastGuess)
            {
                // Not even the window is extended: a stale device polling must not keep old failures alive.
                return;
            }

            address.LastGuess = guess ?? address.LastGuess;
            if (address.LockedUntil <= now)
            {
                // A failure during a lockout changes nothing (its credentials were not even checked).
                address.Failures++;
                address.LastFailure = now;
                if (address.Failures >= _limits.LockoutFailures)
                {
                    address.LockedUntil = now + _limits.LockoutDuration;

                    // After the lockout the count starts again, with its free failures.
                    address.Failures = 0;
                }
            }

            if (accountKey is not null && FindSuccess(PairKey(addressKey, accountKey), now) is null)
            {
                var entry = GetFailures(accountKey, now);
                entry.Failures++;
                entry.LastFailure = now;
            }
        }
    }

    /// <summary>
    /// Remembers that this address logged in to the account, which exempts it from the account delay, and lifts the
    /// delay before its greetings. The address keeps its failure count (it fades with the window): otherwise a
    /// client holding one valid account could log in between guessing runs against other accounts and start each
    /// run with a clean slate. A lockout in force stays: locked addresses are not checked, so no success arrives.
    /// </summary>
    public void RecordSuccess(IPAddress remote, string account)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(account);
        var addressKey = AddressKey(remote);
        var accountKey = AccountKey(account);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (FindFailures(addressKey, now) is { } address)
            {
                address.DisconnectedAt = null;
                address.InFlight = Math.Max(0, address.InFlight - 1);
            }

            if (accountKey is not null)
            {
                _successes.GetOrAdd(PairKey(addressKey, accountKey), static () => new SuccessEntry()).LastSuccess = now;
            }
        }
    }

    /// <summary>A connection from this address was closed for its failed logins: its next connections wait before their greeting.</summary>
    public void RecordDisconnect(IPAddress remote)
    {
        var key = AddressKey(remote);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            GetFailures(key, now).DisconnectedAt = now;
        }
    }

    /// <summary>
    /// How long a new connection from this address waits before its greeting: zero unless a connection of it was
    /// closed for failed logins within the window (then the address's delay, at least BaseDelay), MaxDelay while it
    /// is locked out. So a client that reconnects after each refusal gets no more answers than one that waits.
    /// </summary>
    public TimeSpan GreetingDelay(IPAddress remote)
    {
        var key = AddressKey(remote);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var entry = FindFailures(key, now);
            if (entry is null)
            {
                return TimeSpan.Zero;
            }

            if (entry.LockedUntil > now)
            {
                // A locked address that keeps coming back stays the most recent entry: a flood of new keys from
                // elsewhere must not evict its lockout.
                _failures.Touch(key);
                return _limits.MaxDelay;
            }

            if (entry.DisconnectedAt is null)
            {
                return TimeSpan.Zero;
            }

            var wait = DelayFor(entry.Failures, _limits.FreeFailures, _limits.BaseDelay, _limits.MaxDelay);
            return wait > _limits.BaseDelay ? wait : _limits.BaseDelay;
        }
    }

    /// <summary>The grouping key of an address, as logs show it: the address, or its /64 for IPv6.</summary>
    public static string AddressLabel(IPAddress remote) => AddressKey(remote)[AddressPrefix.Length..];

    /// <summary>BaseDelay * 2^(failures - free), capped; zero below the free failures. The shift cannot overflow.</summary>
    private static TimeSpan DelayFor(int failures, int free, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (failures < free)
        {
            return TimeSpan.Zero;
        }

        var exponent = failures - free;
        if (exponent >= 62 || baseDelay.Ticks > maxDelay.Ticks >> exponent)
        {
            return maxDelay;
        }

        return TimeSpan.FromTicks(baseDelay.Ticks << exponent);
    }

    private FailureEntry? FindFailures(string key, DateTimeOffset now)
    {
        var entry = _failures.Find(key);
        if (entry is not null && now >= entry.LockedUntil && now - entry.LastFailure >= _limits.Window)
        {
            _failures.Remove(key);
            return null;
        }

        return entry;
    }

    private FailureEntry GetFailures(string key, DateTimeOffset now)
    {
        if (FindFailures(key, now) is { } entry)
        {
            _failures.Touch(key);
            return entry;
        }

        entry = _failures.GetOrAdd(key, static () => new FailureEntry());
        entry.LastFailure = now;
        return entry;
    }

    private SuccessEntry? FindSuccess(string key, DateTimeOffset now)
    {
        var entry = _successes.Find(key);
        if (entry is not null && now - entry.LastSuccess >= _limits.RememberSuccess)
        {
            _successes.Remove(key);
            return null;
        }

        return entry;
    }

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

        // Link-local (fe80::/10) and unique local (fc00::/7) addresses are the LAN's own: every host on the link
        // shares their /64, so grouping them would let one LAN host lock the others out. They count per address
        // (without the scope id). Any other address counts per /64.
        Span<byte> bytes = stackalloc byte[16];
        remote.TryWriteBytes(bytes, out _);
        if (remote.IsIPv6LinkLocal || (bytes[0] & 0xFE) == 0xFC)
        {
            return AddressPrefix + new IPAddress(bytes);
        }

        bytes[8..].Clear();
        return AddressPrefix + new IPAddress(bytes) + "/64";
    }

    private static string? AccountKey(string? account)
    {
        // Case variants of one name share a counter; InvariantGlobalization makes this culture-free anyway.
        // Capped, so that made-up names of 64 KiB cannot make the table's memory depend on their length (an
        // address is at most 254 octets, RFC 5321 §4.5.3.1.3 with §4.1.2; names beyond belong to nobody).
        var normalized = account?.Trim().ToLowerInvariant();
        if (normalized is { Length: > MaxAccountKeyLength })
        {
            normalized = normalized[..MaxAccountKeyLength];
        }

        return string.IsNullOrEmpty(normalized) ? null : AccountPrefix + normalized;
    }

    private static string PairKey(string addressKey, string accountKey) => addressKey + " " + accountKey;

    private sealed class FailureEntry
    {
        public int Failures { get; set; }

        public DateTimeOffset LastFailure { get; set; }

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        /// <summary>When a connection of this address was last closed for its failures (addresses only).</summary>
        public DateTimeOffset? DisconnectedAt { get; set; }

        /// <summary>The fingerprint of the address's last failed plaintext guess (addresses only).</summary>
        public long? LastGuess { get; set; }

        /// <summary>Attempts admitted and not yet recorded (addresses only).</summary>
        public int InFlight { get; set; }
    }

    private sealed class SuccessEntry
    {
        public DateTimeOffset LastSuccess { get; set; }
    }
}
