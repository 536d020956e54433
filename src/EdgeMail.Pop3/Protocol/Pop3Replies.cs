namespace EdgeMail.Pop3.Protocol;

/// <summary>
/// Every fixed status line the server sends, with the RFC that asks for it. Response codes: RFC 2449 §8
/// (IN-USE), RFC 3206 §4 (SYS/TEMP, SYS/PERM) and §5 (AUTH).
/// </summary>
internal static class Pop3Replies
{
    // RFC 2449 §8.1.2 IN-USE; RFC 3206 §4 SYS/TEMP, SYS/PERM; RFC 3206 §5 AUTH.
    public const string InUseCode = "IN-USE";
    public const string SysTempCode = "SYS/TEMP";
    public const string SysPermCode = "SYS/PERM";
    public const string AuthCode = "AUTH";

    // RFC 1939 §4: the greeting. No APOP timestamp: APOP (MD5 of a shared secret) is not offered.
    public static readonly Pop3Reply Greeting = Pop3Reply.Success("EdgeMail POP3 ready");

    public static readonly Pop3Reply Goodbye = Pop3Reply.Success("EdgeMail POP3 signing off");

    public static readonly Pop3Reply Ok = Pop3Reply.Success("");

    public static readonly Pop3Reply CapabilityFollows = Pop3Reply.Success("capability list follows");

    public static readonly Pop3Reply UserAccepted = Pop3Reply.Success("send PASS");

    public static readonly Pop3Reply LoggedIn = Pop3Reply.Success("logged in");

    public static readonly Pop3Reply BeginTls = Pop3Reply.Success("begin TLS negotiation");

    public static readonly Pop3Reply Utf8Enabled = Pop3Reply.Success("UTF-8 enabled");

    public static readonly Pop3Reply MessageFollows = Pop3Reply.Success("message follows");

    public static readonly Pop3Reply UidListFollows = Pop3Reply.Success("unique-id listing follows");

    public static readonly Pop3Reply MessageDeleted = Pop3Reply.Success("message deleted");

    // RFC 1939 §3: a command the server does not know, or whose arguments do not parse.
    public static readonly Pop3Reply UnknownCommand = Pop3Reply.Error("unknown command");

    public static readonly Pop3Reply SyntaxError = Pop3Reply.Error("syntax error in arguments");

    public static readonly Pop3Reply LineTooLong = Pop3Reply.Error("line too long");

    public static readonly Pop3Reply WrongState = Pop3Reply.Error("command not valid in this state");

    public static readonly Pop3Reply TooManyBadCommands = Pop3Reply.Error("too many bad commands, closing");

    // Pop3:LoginDeadline: RFC 1939 §3 lets an autologout close without a reply; a line says why before the close.
    public static readonly Pop3Reply LoginDeadline = Pop3Reply.Error("no login in time, closing");

    // RFC 1939 §5: a message number that is out of range or marked as deleted.
    public static readonly Pop3Reply NoSuchMessage = Pop3Reply.Error("no such message");

    public static readonly Pop3Reply AlreadyDeleted = Pop3Reply.Error("message already deleted");

    // The message was expunged by another client (IMAP) after the maildrop was opened.
    public static readonly Pop3Reply MessageGone = Pop3Reply.Error("message was removed by another session");

    public static readonly Pop3Reply UserFirst = Pop3Reply.Error("send USER first");

    // RFC 2595 §2, RFC 8314 §3: no passwords in the clear; RFC 3206 §5 AUTH says the credentials are the issue.
    public static readonly Pop3Reply PlaintextDisallowed = Pop3Reply.Error("plaintext authentication needs TLS (use STLS first)", AuthCode);

    public static readonly Pop3Reply AuthFailed = Pop3Reply.Error("authentication failed", AuthCode);

    // RFC 1939 §4 lets the server close after failed logins (RFC 1725 added it); Auth:MaxFailuresPerConnection.
    public static readonly Pop3Reply AuthFailedClosing = Pop3Reply.Error("authentication failed; too many failed logins, closing", AuthCode);

    // RFC 3206 §4: SYS/TEMP, the login throttle refused without checking; trying later may work.
    public static readonly Pop3Reply LoginLocked = Pop3Reply.Error("too many failed logins, try again later", SysTempCode);

    // RFC 2449 §8.1.2: another session holds the maildrop.
    public static readonly Pop3Reply MaildropInUse = Pop3Reply.Error("maildrop is locked by another POP3 session", InUseCode);

    public static readonly Pop3Reply UnknownMechanism = Pop3Reply.Error("unsupported authentication mechanism");

    // RFC 5034 §4: a "*" response cancels the exchange, and the server answers -ERR.
    public static readonly Pop3Reply AuthCancelled = Pop3Reply.Error("authentication cancelled");

    public static readonly Pop3Reply AuthMalformed = Pop3Reply.Error("malformed authentication exchange");

    public static readonly Pop3Reply TlsUnavailable = Pop3Reply.Error("TLS is not available");

    public static readonly Pop3Reply TlsActive = Pop3Reply.Error("TLS is already active");

    public static readonly Pop3Reply SomeNotRemoved = Pop3Reply.Error("some deleted messages not removed", SysTempCode);

    public static readonly Pop3Reply ServerError = Pop3Reply.Error("internal server error", SysTempCode);

    public static readonly Pop3Reply ShuttingDown = Pop3Reply.Error("server shutting down", SysTempCode);

    /// <summary>RFC 3206 §5: the session's credentials are no longer valid; the session ends, without UPDATE.</summary>
    public static readonly Pop3Reply AppPasswordRevoked = Pop3Reply.Error("the app password of this session was revoked, closing", AuthCode);

    public static readonly Pop3Reply TooManyConnections = Pop3Reply.Error("too many connections, try again later", SysTempCode);
}
