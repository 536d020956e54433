using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Smtp;

/// <summary>The SMTP server, bound from the "Smtp" section. Port 0 disables a listener.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>LAN intake with STARTTLS (RFC 5321, RFC 3207). Unprivileged by default; the appliance uses 25.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 2525;

    /// <summary>Message submission, STARTTLS and AUTH required (RFC 6409). Unprivileged by default; the appliance uses 587.</summary>
    [Range(0, 65535)]
    public int SubmissionPort { get; set; } = 1587;

    /// <summary>Submission over implicit TLS (RFC 8314 §3.3). Unprivileged by default; the appliance uses 465.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 1465;

    /// <summary>Name in the greeting, EHLO reply and Received headers; the machine name when empty.</summary>
    public string? HostName { get; set; }

    /// <summary>The name this server uses for itself: <see cref="HostName"/>, else the machine name.</summary>
    public string EffectiveHostName => string.IsNullOrWhiteSpace(HostName) ? Environment.MachineName : HostName.Trim();

    /// <summary>
    /// Largest message accepted, advertised in SIZE (RFC 1870). Matches Postfix's message_size_limit (10240000).
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxMessageBytes { get; set; } = 10_240_000;

    /// <summary>The same limit under the name the product documents (Smtp:MaxMessageSize, in bytes).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxMessageSize
    {
        get => MaxMessageBytes;
        set => MaxMessageBytes = value;
    }

    /// <summary>
    /// Received fields a message may carry before it is refused as a loop with 554 5.4.6 (RFC 5321 §6.3); as
    /// Postfix's hopcount_limit (50).
    /// </summary>
    [Range(10, 1000)]
    public int MaxReceivedHeaders { get; set; } = 50;

    /// <summary>
    /// Recipients per message. RFC 5321 §4.5.3.1.8 asks for at least 100; Postfix's smtpd_recipient_limit is 1000,
    /// far more than a LAN scanner or a family ever needs.
    /// </summary>
    [Range(100, 100_000)]
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// A command line with its CRLF. RFC 5321 §4.5.3.1.4 gives 512; RFC 4954 §4 raises it to 12288 for AUTH with an
    /// initial response (a SCRAM or a long PLAIN token).
    /// </summary>
    [Range(512, 65536)]
    public int MaxCommandLineBytes { get; set; } = 12288;

    /// <summary>
    /// A line of message text with its CRLF. RFC 5321 §4.5.3.1.6 says 1000, but real mail (generated HTML) has
    /// longer lines and Postfix and Dovecot accept them; refusing is worse than storing, so the default is 64 KiB, as
    /// the line is kept and relayed as received (a message is never folded after it may have been signed). A longer
    /// line is refused with 554 5.6.0 rather than silently folded.
    /// </summary>
    [Range(1000, 1_000_000)]
    public int MaxTextLineBytes { get; set; } = 64 * 1024;

    /// <summary>Time to wait for the next command: RFC 5321 §4.5.3.2.7 server timeout (5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Time to wait for the next line of DATA or byte of BDAT: RFC 5321 §4.5.3.2.5 data block (3 minutes).</summary>
    public TimeSpan DataBlockTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// On the submission ports, time to authenticate, in total from the greeting: unlike <see cref="CommandTimeout"/>,
    /// which each line gets anew, bytes dribbled in do not extend it. Then 421 4.4.2 and the close. 60 s: room for
    /// EHLO, STARTTLS and AUTH over a slow link, while a stalled or dribbling client soon gives its slot back.
    /// </summary>
    public TimeSpan AuthDeadline { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// On the intake port (no AUTH needed), the longest a whole session may last, commands and messages together;
    /// RFC 5321 §4.5.3.2's per-command timeouts still apply within it. Then 421 4.4.2 and the close. 30 minutes:
    /// six command timeouts, far more than a scanner or a script needs to hand over its mail.
    /// </summary>
    public TimeSpan SessionDeadline { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Errors from one client before it is disconnected. Matches Postfix's smtpd_hard_error_limit (20).</summary>
    [Range(1, 1000)]
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>The trusted networks when none are configured: loopback only, as Postfix's mynetworks_style=host.</summary>
    public static readonly IReadOnlyList<string> DefaultTrustedNetworks = ["127.0.0.0/8", "::1/128"];

    /// <summary>
    /// Client networks (CIDR) that may relay to outside domains without AUTH: the LAN's scanners and scripts.
    /// Unset means <see cref="DefaultTrustedNetworks"/>; when set it replaces them (configuration binding appends to
    /// a non-empty default array, hence no default here). Never an open relay.
    /// </summary>
    public string[]? TrustedNetworks { get; set; }

    /// <summary>The networks in force.</summary>
    public IReadOnlyList<string> EffectiveTrustedNetworks => TrustedNetworks is { Length: > 0 } list ? list : DefaultTrustedNetworks;

    /// <summary>
    /// The account that receives mail for postmaster (RFC 5321 §4.5.1) when no account is named postmaster@ a local
    /// domain; when empty, the oldest account.
    /// </summary>
    public string? PostmasterAccount { get; set; }

    /// <summary>An authenticated user may only use their own address as the envelope sender (RFC 6409 §6.1).</summary>
    public bool RestrictSenderToAccount { get; set; } = true;
}
