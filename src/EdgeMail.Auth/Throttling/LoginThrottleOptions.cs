namespace EdgeMail.Auth.Throttling;

/// <summary>
/// Limits of the login throttle shared by IMAP, POP3 and SMTP, bound from <c>Auth:Throttle</c>.
/// Delays and the lockout count failures per remote address (IPv6 per /64); per account there is only a mild
/// delay, for addresses that have not logged in to it, so that no stranger can lock the real user out.
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "Auth:Throttle";

    /// <summary>
    /// Failures from one address that cost nothing, so a user who mistypes a password twice is never slowed down.
    /// Default 3, as the common "three tries" of login prompts (PAM's pam_faillock deny=3).
    /// </summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>
    /// The first delay of an address once its free failures are used up; it doubles with each further failure.
    /// Default 1 s, below Dovecot's flat auth_failure_delay (2 s) because ours grows.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The cap on an address's delay. Default 15 s, matching Dovecot's auth penalty cap (AUTH_PENALTY_MAX_SECS),
    /// which stays below the usual client timeouts of 30 s and more.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Failures from one address within <see cref="Window"/> after which the address is locked out.
    /// Default 10, as mox (10 failed logins per minute per address), and twice fail2ban's typical maxretry of 5,
    /// since the growing delay already slows guessing and a phone retrying a stale password should not be locked at once.
    /// </summary>
    public int LockoutFailures { get; set; } = 10;

    /// <summary>How long an address's lockout lasts. Default 15 min, a little over fail2ban's typical bantime of 10 min.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A failure counter is forgotten once this long has passed since its last failure.
    /// Default 15 min, a little over fail2ban's typical findtime of 10 min.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failures against one account (from addresses that have not logged in to it) that cost nothing.
    /// Default 5: the account delay is for a botnet rotating addresses, never for a user's own typos.
    /// </summary>
    public int AccountFreeFailures { get; set; } = 5;

    /// <summary>The first account delay; it doubles with each further failure. Default 500 ms.</summary>
    public TimeSpan AccountBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The cap on the account delay. Default 4 s: mild on purpose, since anyone can raise it; it is waited before
    /// every answer (right password or wrong) to an address that has not logged in to the account recently, and
    /// there is no account lockout at all.
    /// </summary>
    public TimeSpan AccountMaxDelay { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long a successful login exempts its address, and an app password, from the account delay.
    /// Default 30 days: a phone that syncs weekly is still known.
    /// </summary>
    public TimeSpan RememberSuccess { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// The most addresses and accounts with failures tracked at once, and separately the most remembered
    /// successful address/account pairs; past it the least recently seen is forgotten.
    /// Default 10000: at a few hundred bytes each, about 2–3 MB per table, which suits a Raspberry Pi.
    /// </summary>
    public int MaxTrackedKeys { get; set; } = 10_000;
}
