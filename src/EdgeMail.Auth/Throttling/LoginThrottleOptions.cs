namespace EdgeMail.Auth.Throttling;

/// <summary>
/// Limits of the login throttle shared by IMAP, POP3 and SMTP, bound from <c>Auth:Throttle</c>.
/// Failures are counted per remote address (IPv6 per /64) and per account.
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "Auth:Throttle";

    /// <summary>
    /// Failures that cost nothing, so a user who mistypes a password twice is never slowed down.
    /// Default 3, as the common "three tries" of login prompts (PAM's pam_faillock deny=3).
    /// </summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>
    /// The first delay once the free failures are used up; it doubles with each further failure.
    /// Default 1 s, below Dovecot's flat auth_failure_delay (2 s) because ours grows.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The cap on the delay. Default 15 s, matching Dovecot's auth penalty cap (AUTH_PENALTY_MAX_SECS),
    /// which stays below the usual client timeouts of 30 s and more.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Failures within <see cref="Window"/> after which an address, or an account, is locked.
    /// Default 10: twice fail2ban's typical maxretry of 5, since the growing delay already slows guessing
    /// and a phone retrying a stale password should not lock its owner out at once.
    /// </summary>
    public int LockoutFailures { get; set; } = 10;

    /// <summary>How long a lockout lasts. Default 15 min, a little over fail2ban's typical bantime of 10 min.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A counter is forgotten once this long has passed since its last failure.
    /// Default 15 min, a little over fail2ban's typical findtime of 10 min.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The most addresses and accounts tracked at once; past it the least recently failed is forgotten.
    /// Default 10000: at a few hundred bytes each, about 2–3 MB, which suits a Raspberry Pi.
    /// </summary>
    public int MaxTrackedKeys { get; set; } = 10_000;
}
