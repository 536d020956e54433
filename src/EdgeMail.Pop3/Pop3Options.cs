using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Pop3;

/// <summary>The POP3 server, bound from the "Pop3" section. Port 0 disables a listener.</summary>
public sealed class Pop3Options : IValidatableObject
{
    public const string SectionName = "Pop3";

    /// <summary>Plain POP3 with STLS (RFC 2595 §4). Unprivileged by default; the appliance uses 110.</summary>
    public int Port { get; set; } = 1110;

    /// <summary>Implicit TLS (RFC 8314 §3.3). Unprivileged by default; the appliance uses 995.</summary>
    public int TlsPort { get; set; } = 1995;

    /// <summary>What QUIT does with messages marked by DELE. Default Expunge, as RFC 1939 §6 describes.</summary>
    public Pop3DeleteMode DeleteMode { get; set; } = Pop3DeleteMode.Expunge;

    /// <summary>
    /// Days after its first retrieval over POP3 that a message is removed, advertised as "EXPIRE n" in CAPA
    /// (RFC 2449 §6.7). 0 removes retrieved messages at QUIT even without DELE. Default null: never
    /// ("EXPIRE NEVER"), since removing mail is the user's choice.
    /// </summary>
    public int? ExpireDays { get; set; }

    /// <summary>
    /// How often the server removes expired messages (Pop3:ExpireDays) of every account, so that they go even if the
    /// user stops fetching; a POP3 login also expires its own account's at once. Hourly: expiry is counted in days.
    /// </summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Longest command line, CRLF included. RFC 2449 §4 limits commands to 255 octets; this allows four times as
    /// much for long app passwords and for SASL responses, which RFC 5034 §4 exempts from that limit. Default 1024.
    /// </summary>
    public int MaxLineBytes { get; set; } = 1024;

    /// <summary>
    /// Syntax errors and unknown commands before the session is closed. Default 20, as Dovecot's
    /// CLIENT_MAX_BAD_COMMANDS.
    /// </summary>
    public int MaxBadCommands { get; set; } = 20;

    /// <summary>
    /// Time without a command before the session is closed without UPDATE. Default 10 minutes, the minimum that
    /// RFC 1939 §3 sets for the autologout timer.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Time to log in, in total from the greeting: unlike <see cref="IdleTimeout"/>, which each command line gets
    /// anew, bytes dribbled in do not extend it. Then <c>-ERR</c> and the connection is closed. 10 minutes, the
    /// least RFC 1939 §3 allows any autologout timer.
    /// </summary>
    public TimeSpan LoginDeadline { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A copy for one session, so that a session never sees its limits change under it.</summary>
    internal Pop3Options Snapshot() => (Pop3Options)MemberwiseClone();

    // The checks live here, as in NetOptions, so that each message names the configuration key and no bound is
    // converted by reflection. Pop3OptionsValidator ([OptionsValidator]) calls this without reflection.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Port is < 0 or > 65535)
        {
            yield return new ValidationResult($"Pop3:Port must be between 0 and 65535 (is {Port}).", [nameof(Port)]);
        }

        if (TlsPort is < 0 or > 65535)
        {
            yield return new ValidationResult($"Pop3:TlsPort must be between 0 and 65535 (is {TlsPort}).", [nameof(TlsPort)]);
        }

        if (!Enum.IsDefined(DeleteMode))
        {
            yield return new ValidationResult("Pop3:DeleteMode must be Expunge, MoveToTrash or Keep.", [nameof(DeleteMode)]);
        }

        if (ExpireDays is < 0 or > 36500)
        {
            yield return new ValidationResult($"Pop3:ExpireDays must be between 0 and 36500, or unset for never (is {ExpireDays}).", [nameof(ExpireDays)]);
        }

        // RFC 2449 §4: a server must accept 255-octet commands.
        if (MaxLineBytes is < 255 or > 65536)
        {
            yield return new ValidationResult($"Pop3:MaxLineBytes must be between 255 and 65536 (is {MaxLineBytes}).", [nameof(MaxLineBytes)]);
        }

        if (MaxBadCommands is < 1 or > 1000)
        {
            yield return new ValidationResult($"Pop3:MaxBadCommands must be between 1 and 1000 (is {MaxBadCommands}).", [nameof(MaxBadCommands)]);
        }

        // RFC 1939 §3: the autologout timer MUST be at least 10 minutes.
        if (IdleTimeout < TimeSpan.FromMinutes(10) || IdleTimeout > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Pop3:IdleTimeout must be between 00:10:00 and 1.00:00:00 (is {IdleTimeout}).", [nameof(IdleTimeout)]);
        }

        // RFC 1939 §3 again: closing a client that has not logged in is an autologout too.
        if (LoginDeadline < TimeSpan.FromMinutes(10) || LoginDeadline > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"Pop3:LoginDeadline must be between 00:10:00 and 1.00:00:00 (is {LoginDeadline}).", [nameof(LoginDeadline)]);
        }
    }
}
