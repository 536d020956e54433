namespace EdgeMail.CrashHarness;

/// <summary>The two accounts the rounds use: one fed by SMTP and emptied by POP3, one worked on over IMAP.</summary>
internal static class Accounts
{
    public const string Smtp = "smtp@edgemail.local";
    public const string Imap = "imap@edgemail.local";
    public const string Password = "crash-harness-password-1";
    public const string Sender = "sender@example.org";

    /// <summary>An outside domain: mail to it goes through the relay queue to the sink.</summary>
    public const string Outside = "friend@example.net";

    public const string Inbox = "INBOX";
    public const string Archive = "Archive";
}
