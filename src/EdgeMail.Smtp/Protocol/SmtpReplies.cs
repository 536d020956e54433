namespace EdgeMail.Smtp.Protocol;

/// <summary>Every reply the server sends, with its RFC. Enhanced codes: RFC 3463 and the IANA registry (RFC 5248).</summary>
internal static class SmtpReplies
{
    // RFC 5321 §4.2.2 / §3.9
    public static readonly SmtpReply Ok = new(250, "2.0.0", "OK");
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender OK");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient OK");
    public static readonly SmtpReply ResetOk = new(250, "2.0.0", "Reset");
    public static readonly SmtpReply Bye = new(221, "2.0.0", "Bye");
    public static readonly SmtpReply CannotVerify = new(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery"); // RFC 5321 §3.5.3
    public static readonly SmtpReply StartData = new(354, "", "Start mail input; end with <CRLF>.<CRLF>");
    public static readonly SmtpReply ReadyForTls = new(220, "2.0.0", "Ready to start TLS"); // RFC 3207 §4
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful"); // RFC 4954 §6

    // 4xx: try again later
    public static readonly SmtpReply ShuttingDown = new(421, "4.3.2", "Service shutting down, closing connection"); // RFC 5321 §3.8
    public static readonly SmtpReply AppPasswordRevoked = new(421, "4.7.0", "The app password of this session was revoked, closing connection"); // RFC 5321 §3.8, RFC 3463 §3.8
    public static readonly SmtpReply TooManyConnections = new(421, "4.7.0", "Too many connections, try again later");
    public static readonly SmtpReply Timeout = new(421, "4.4.2", "Timeout, closing connection"); // RFC 5321 §4.5.3.2

    // Smtp:AuthDeadline and Smtp:SessionDeadline passed: RFC 5321 §4.5.3.2's 421 4.4.2, in Postfix's words, with the
    // server's name first as in any 421 (RFC 5321 §3.8).
    public static SmtpReply DeadlineExceeded(string hostName) => new(421, "4.4.2", $"{hostName} Error: timeout exceeded");
    public static readonly SmtpReply TooManyErrors = new(421, "4.7.0", "Too many errors, closing connection");
    public static readonly SmtpReply LocalError = new(451, "4.3.0", "Local error in processing, try again later");
    public static readonly SmtpReply StorageFull = new(452, "4.3.1", "Insufficient system storage"); // RFC 3463 §3.4
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients"); // RFC 5321 §4.5.3.1.10
    // RFC 4954 §6 454 4.7.0 would keep the session; a locked-out address is closed, so RFC 5321 §3.8's 421.
    public static readonly SmtpReply AuthLocked = new(421, "4.7.0", "Too many failed logins, try again later; closing connection");

    // RFC 5321 §3.8: 421 to the command after which the server closes; Auth:MaxFailuresPerConnection.
    public static readonly SmtpReply AuthFailedClosing = new(421, "4.7.0", "Authentication credentials invalid; too many failed logins, closing connection");
    public static readonly SmtpReply TlsNotAvailable = new(454, "4.7.0", "TLS not available");

    // 5xx: permanent
    public static readonly SmtpReply LineTooLong = new(500, "5.5.0", "Line too long"); // RFC 5321 §4.5.3.1.4
    public static readonly SmtpReply UnknownCommand = new(500, "5.5.1", "Command unrecognized");
    public static readonly SmtpReply SyntaxError = new(501, "5.5.4", "Syntax error in parameters or arguments");
    public static readonly SmtpReply AuthMalformed = new(501, "5.5.2", "Cannot decode the response"); // RFC 4954 §4
    public static readonly SmtpReply AuthCancelled = new(501, "5.0.0", "Authentication cancelled"); // RFC 4954 §4
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply BadSequence = new(503, "5.5.1", "Bad sequence of commands");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated"); // RFC 4954 §4
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication type"); // RFC 4954 §4
    public static readonly SmtpReply AuthRequired = new(530, "5.7.0", "Authentication required"); // RFC 4954 §6
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid"); // RFC 4954 §6
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11", "Encryption required for requested authentication mechanism"); // RFC 4954 §6
    public static readonly SmtpReply NoSuchUser = new(550, "5.1.1", "No such user here"); // RFC 3463 §3.2
    public static readonly SmtpReply MessageTooBig = new(552, "5.3.4", "Message size exceeds fixed maximum message size"); // RFC 1870 §6
    public static readonly SmtpReply SenderNotOwned = new(553, "5.7.1", "Sender address not owned by the authenticated user"); // RFC 6409 §6.1

    // RFC 3463 §3.8 X.7.1: a stranger may not use one of our own domains as the sender (as mox refuses it).
    public static readonly SmtpReply LocalSenderNeedsAuth = new(550, "5.7.1", "Sending as an address of this server needs authentication");

    // RFC 3463 §3.5 X.4.6 "routing loop detected"; RFC 5321 §6.3.
    public static readonly SmtpReply MailLoop = new(554, "5.4.6", "Too many hops: the message is looping");

    // RFC 3030 §2 allows no skipping of a chunk; reading gigabytes to stay in step is the attack, so the session ends.
    public static readonly SmtpReply ChunkTooBig = new(552, "5.3.4", "Message size exceeds fixed maximum message size; closing");
    public static readonly SmtpReply BadSenderSyntax = new(553, "5.1.7", "Bad sender address syntax");
    public static readonly SmtpReply BadRecipientSyntax = new(553, "5.1.3", "Bad recipient address syntax");
    public static readonly SmtpReply RelayDenied = new(554, "5.7.1", "Relay access denied");
    public static readonly SmtpReply DomainNotAllowed = new(554, "5.7.1", "Mail to this domain is not allowed from here");

    // RFC 3463 §3.4 X.3.5 "system incorrectly configured": without Relay:Host nothing can leave, so refuse now
    // rather than queue for Relay:MaxQueueLifetime and bounce days later.
    public static readonly SmtpReply NoUpstreamRelay = new(550, "5.3.5", "No upstream relay is configured: mail to other domains cannot leave this server");
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients"); // RFC 5321 §3.3
    public static readonly SmtpReply TextLineTooLong = new(554, "5.6.0", "Message has a line longer than 998 characters"); // RFC 5321 §4.5.3.1.6
    public static readonly SmtpReply BadParameter = new(555, "5.5.4", "MAIL FROM/RCPT TO parameters not recognized or not implemented"); // RFC 5321 §4.1.1.11
    public static readonly SmtpReply Utf8NotRequested = new(553, "5.6.7", "Non-ASCII address needs SMTPUTF8"); // RFC 6531 §3.5

    /// <summary>Relay:MaxMessagesPerHour reached (RFC 3463 §3.8 X.7.1, transient so that the client keeps the message and retries).</summary>
    public static SmtpReply SendRateExceeded(string sender, int limit, DateTimeOffset until) =>
        new(451, "4.7.1", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{sender} has sent {limit} messages to other domains within the hour, the limit of this server; try again after {until.UtcDateTime:HH:mm} UTC"));
}
