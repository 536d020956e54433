using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Smtp.Relay;

/// <summary>The upstream provider that all outside mail goes through, bound from the "Relay" section.</summary>
public sealed class RelayOptions
{
    public const string SectionName = "Relay";

    /// <summary>
    /// The upstream's host name. Without one, outside mail is refused at RCPT and status says it cannot leave; what
    /// was queued before waits.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>Whether an upstream is configured: the one test of Host for SMTP, the relay runner and status.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Host))]
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The submission port (RFC 6409 §3.1).</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public RelaySecurity Security { get; set; } = RelaySecurity.StartTls;

    /// <summary>AUTH user at the upstream; no AUTH when empty.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Outside domains mail may go to (a name also allows its subdomains); empty allows any.</summary>
    public string[] AllowedDomains { get; set; } = [];

    /// <summary>Give up on a recipient after this long in the queue. Matches Postfix's maximal_queue_lifetime (5d).</summary>
    public TimeSpan MaxQueueLifetime { get; set; } = TimeSpan.FromDays(5);

    /// <summary>Wait before the first retry; doubled after each failure (the issue asks for within a minute).</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between retries; hourly, a little under Postfix's maximal_backoff_time (4000s).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// While mail waits because the upstream did not answer, how often to check (a TCP connect) whether it is back,
    /// so that the queue drains then rather than at the end of each message's backoff.
    /// </summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the queue is looked at even without news, so that `edgemail queue flush` takes effect.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Connect and command timeout towards the upstream. MailKit's default is 2 minutes; RFC 5321 §4.5.3.2 allows 5.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Messages sent to the upstream at once, each over its own connection. Postfix allows 20 per destination
    /// (default_destination_concurrency_limit); 4 keeps a Pi's CPU and a home uplink from being swamped while a
    /// backlog drains several times faster than one at a time.
    /// </summary>
    public int MaxParallelDeliveries { get; set; } = 4;

    /// <summary>
    /// Messages for other domains one account (or, without login, one trusted client address) may queue in any hour;
    /// more are answered 451 4.7.1 at RCPT until the hour has passed. 0 turns the limit off. 300 an hour is far more
    /// than a family or a small office sends, and far less than a hijacked phone would.
    /// </summary>
    [Range(0, 1_000_000)]
    public int MaxMessagesPerHour { get; set; } = 300;

    /// <summary>Accept an upstream certificate that does not validate (a LAN relay with a self-signed certificate).</summary>
    public bool TrustAnyCertificate { get; set; }
}
