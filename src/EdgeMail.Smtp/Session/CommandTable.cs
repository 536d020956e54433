namespace EdgeMail.Smtp.Session;

/// <summary>Every verb the server knows (RFC 5321 §4.1.1 plus extensions), its states and its handler; the session loop has no switch over verbs.</summary>
internal static class CommandTable
{
    private const SmtpState Greeted = SmtpState.Ready | SmtpState.Mail | SmtpState.Rcpt;

    private static readonly Dictionary<string, SmtpCommand> Commands = new SmtpCommand[]
    {
        new("EHLO", SmtpState.Any & ~SmtpState.Chunking, (s, a, c) => s.HelloAsync(a, extended: true, c)),  // RFC 5321 §4.1.1.1
        new("HELO", SmtpState.Any & ~SmtpState.Chunking, (s, a, c) => s.HelloAsync(a, extended: false, c)),
        new("MAIL", SmtpState.Ready, (s, a, c) => s.MailAsync(a, c)),                                       // §4.1.1.2
        new("RCPT", SmtpState.Mail | SmtpState.Rcpt, (s, a, c) => s.RcptAsync(a, c)),                        // §4.1.1.3
        new("DATA", SmtpState.Mail | SmtpState.Rcpt, (s, a, c) => s.DataAsync(a, c)),                        // §4.1.1.4
        new("BDAT", SmtpState.Mail | SmtpState.Rcpt | SmtpState.Chunking, (s, a, c) => s.BdatAsync(a, c)),   // RFC 3030 §2
        new("RSET", SmtpState.Any, (s, a, c) => s.ResetAsync(a, c)),                                         // §4.1.1.5
        new("VRFY", SmtpState.Any & ~SmtpState.Chunking, (s, a, c) => s.VerifyAsync(a, c)),                  // §4.1.1.6, §3.5.3
        new("NOOP", SmtpState.Any, (s, a, c) => s.NoopAsync(a, c)),                                          // §4.1.1.9
        new("HELP", SmtpState.Any, (s, a, c) => s.NoopAsync(a, c)),                                          // §4.1.1.8
        new("QUIT", SmtpState.Any, (s, a, c) => s.QuitAsync(a, c)),                                          // §4.1.1.10
        new("STARTTLS", SmtpState.Connected | SmtpState.Ready, (s, a, c) => s.StartTlsAsync(a, c)),          // RFC 3207 §4
        new("AUTH", SmtpState.Ready, (s, a, c) => s.AuthAsync(a, c)),                                        // RFC 4954 §4
    }.ToDictionary(c => c.Verb, StringComparer.Ordinal);

    public static SmtpCommand? Find(string verb) => Commands.GetValueOrDefault(verb);
}
