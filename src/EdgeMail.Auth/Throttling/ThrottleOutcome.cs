namespace EdgeMail.Auth.Throttling;

public enum ThrottleOutcome
{
    /// <summary>Verify the credentials and answer at once.</summary>
    Allowed,

    /// <summary>Wait <see cref="ThrottleDecision.Wait"/> before answering, then verify the credentials.</summary>
    Delay,

    /// <summary>
    /// Do not check the password; answer with a temporary failure until <see cref="ThrottleDecision.LockedUntil"/>:
    /// IMAP <c>NO [UNAVAILABLE]</c> (RFC 5530 §3), SMTP <c>454 4.7.0</c> (RFC 4954 §6), POP3 <c>-ERR [SYS/TEMP]</c> (RFC 3206 §4).
    /// </summary>
    Locked,
}
