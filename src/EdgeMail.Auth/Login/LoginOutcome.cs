namespace EdgeMail.Auth.Login;

/// <summary>How a login attempt ended.</summary>
public enum LoginOutcome
{
    Success,

    /// <summary>Wrong user name or password (IMAP NO [AUTHENTICATIONFAILED], POP3 -ERR [AUTH], SMTP 535 5.7.8).</summary>
    Failed,

    /// <summary>Too many failures: the attempt was not checked (IMAP NO [UNAVAILABLE], POP3 -ERR [SYS/TEMP], SMTP 454 4.7.0).</summary>
    Locked,

    /// <summary>The SASL exchange was malformed (IMAP BAD, SMTP 501 5.5.2).</summary>
    Malformed,
}
