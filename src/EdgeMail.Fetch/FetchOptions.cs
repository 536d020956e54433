using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Fetch;

/// <summary>
/// How fetch accounts are pulled, bound from the "Fetch" section. The accounts themselves are in the store
/// (`edgemail fetch add`), not here: the configuration file is a package conffile that the service never rewrites.
/// </summary>
public sealed class FetchOptions
{
    public const string SectionName = "Fetch";

    /// <summary>Off: no fetch account is pulled (they stay in the store).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>After this long without a successful fetch, the status LED asks for attention (its slow blink).</summary>
    public TimeSpan AlertAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait after the first failure; doubled after each further one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Each network step (connect, a command, a message) must progress within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// IMAP IDLE is left and entered again after this long (RFC 2177 §3: servers may log a client off after 30
    /// minutes of inactivity; providers' NATs often sooner).
    /// </summary>
    public TimeSpan IdleRefresh { get; set; } = TimeSpan.FromMinutes(9);

    /// <summary>Whether to wait in IMAP IDLE on the remote INBOX between fetches, where the server offers it.</summary>
    public bool UseIdle { get; set; } = true;

    /// <summary>New messages asked for in one UID FETCH.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>Fetched messages waiting for their commit at once, so that they share fsyncs (group commit).</summary>
    [Range(1, 64)]
    public int MaxInFlight { get; set; } = 8;
}
