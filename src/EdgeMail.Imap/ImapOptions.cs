using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Imap;

/// <summary>The IMAP server, bound from the "Imap" section. Port 0 disables a listener.</summary>
public sealed class ImapOptions : IValidatableObject
{
    public const string SectionName = "Imap";

    /// <summary>Plain IMAP with STARTTLS (RFC 9051 §6.2.1). Unprivileged by default; the appliance uses 143.</summary>
    [Range(0, 65535)]
    public int Port { get; set; } = 1143;

    /// <summary>Implicit TLS (RFC 8314 §3.3). Unprivileged by default; the appliance uses 993.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 1993;

    /// <summary>
    /// The longest command, literals included (except APPEND's message). Matches Dovecot's imap_max_line_length
    /// (64 KiB); RFC 7162 §4 asks servers to take lines of at least 8192 octets.
    /// </summary>
    [Range(8192, 16 * 1024 * 1024)]
    public int MaxCommandBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The largest message APPEND takes, advertised as APPENDLIMIT (RFC 7889). 50 MiB: room for the common
    /// 25 MB attachment limit of mail providers once base64-encoded (about 34 MB), and at most Storage:MaxMessageBytes.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxAppendBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>
    /// Mailboxes one account may have, INBOX included; CREATE beyond it is NO [LIMIT] (RFC 5530 §3). Far more than
    /// a person files mail into, and a bound on what a compromised or broken client can make the store hold.
    /// </summary>
    [Range(10, 1_000_000)]
    public int MaxMailboxes { get; set; } = 1000;

    /// <summary>Literals larger than this go to a temporary file instead of memory. 64 KiB: a typical text message fits.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int LiteralSpoolBytes { get; set; } = 64 * 1024;

    /// <summary>Commands answered BAD in one session before it is closed. Dovecot closes after 20 (CLIENT_MAX_BAD_COMMANDS).</summary>
    [Range(1, 1000)]
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>Time to log in after connecting. 60 s, as the issue and Dovecot's login process (auth timeout) use.</summary>
    public TimeSpan UnauthenticatedTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Time to log in, in total from the greeting: unlike <see cref="UnauthenticatedTimeout"/>, which each line gets
    /// anew, bytes dribbled in (lines, literals, AUTHENTICATE exchanges) do not extend it. Then <c>* BYE</c> (RFC 9051
    /// §7.1.5). 60 s: room for STARTTLS and a login over a slow link, while a stalled or dribbling client soon gives
    /// its connection slot back.
    /// </summary>
    public TimeSpan LoginDeadline { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Autologout of an authenticated session with no command (IDLE renews it): RFC 9051 §5.4 asks for at least
    /// 30 minutes.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest pause inside a literal that is being sent (an APPEND over a slow link). 5 minutes, the data-block
    /// timeout of RFC 5321 §4.5.3.2.5 (3 minutes) with room for a phone changing networks.
    /// </summary>
    public TimeSpan LiteralInactivityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages a single FETCH, STORE, COPY or SEARCH works through; keeps one command bounded.</summary>
    [Range(1, int.MaxValue)]
    public int MaxMessagesPerCommand { get; set; } = 1_000_000;

    // TimeSpan bounds are checked here, as in NetOptions: [Range(typeof(TimeSpan), ...)] converts its bounds by
    // reflection, which the trimming analyzer flags; the message names the key. ImapOptionsValidator calls this.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (LoginDeadline < TimeSpan.FromSeconds(10) || LoginDeadline > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Imap:LoginDeadline must be between 00:00:10 and 1.00:00:00 (is {LoginDeadline}).", [nameof(LoginDeadline)]);
        }
    }
}
