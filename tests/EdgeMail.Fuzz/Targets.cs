using EdgeMail.Fuzz.Targets;

namespace EdgeMail.Fuzz;

/// <summary>Every fuzz target, by the name given as the first argument (and the folder of its corpus).</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("imap-command", "IMAP command assembly (lines, literals, tag and verb) and every command's argument grammar on ImapReader", ImapCommandTarget.Run),
        new("imap-fetch", "FETCH arguments after the verb (FetchParser): sequence set, fetch-att list, sections, partials, modifiers", ImapFetchTarget.Run),
        new("imap-search", "SEARCH arguments after the verb (SearchParser): RETURN options, CHARSET, nested keys", ImapSearchTarget.Run),
        new("smtp-command", "SMTP command lines (SmtpCommandReader): verb, MAIL FROM and RCPT TO paths and parameters, BDAT, EHLO/AUTH text", SmtpCommandTarget.Run),
        new("smtp-data", "an SMTP client stream through the line framing: capped command lines, DATA dot-unstuffing to <CRLF>.<CRLF>, BDAT chunks", SmtpDataTarget.Run),
        new("pop3-command", "POP3 command lines (Pop3Reader and the argument grammar of every command in the command table)", Pop3CommandTarget.Run),
        new("sasl-plain", "SASL PLAIN server (RFC 4616): with and without an initial response", SaslPlainTarget.Run),
        new("sasl-login", "SASL LOGIN server: user name, NUL, password as the two responses", SaslLoginTarget.Run),
        new("sasl-scram", "SCRAM-SHA-256 server (RFC 5802): client-first LF client-final, with {cbind} {nonce} {proof} filled in", SaslScramTarget.Run),
        new("mailbox-name", "the mailbox-name codec: modified UTF-7 both ways (RFC 3501 §5.1.3) and MailboxName rules", MailboxNameTarget.Run),
        new("mime", "MIME intake: staging (CRLF), MimeSummarizer, the stored JSON summary, BODYSTRUCTURE and ENVELOPE writers", MimeTarget.Run),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
