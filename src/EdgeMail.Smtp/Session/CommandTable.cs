using EdgeMail.Smtp.Commands;
using EdgeMail.Smtp.Protocol;

namespace EdgeMail.Smtp.Session;

/// <summary>A command handler: parses the rest of the line after the verb, acts, and returns the final reply.</summary>
internal delegate Task<SmtpReply> CommandHandler(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken);

/// <summary>One command: the states it is allowed in and its handler.</summary>
internal sealed record CommandSpec(string Verb, SmtpState States, CommandHandler Handler);

/// <summary>Every verb the server knows (RFC 5321 §4.1.1 plus extensions), its states and its handler; the session loop has no switch over verbs.</summary>
internal static class CommandTable
{
    private static readonly Dictionary<string, CommandSpec> Commands = new CommandSpec[]
    {
        new("EHLO", SmtpState.Any & ~SmtpState.Chunking, Hello.EhloAsync),                     // RFC 5321 §4.1.1.1
        new("HELO", SmtpState.Any & ~SmtpState.Chunking, Hello.HeloAsync),
        new("MAIL", SmtpState.Ready, Envelope.MailAsync),                                       // §4.1.1.2
        new("RCPT", SmtpState.Mail | SmtpState.Rcpt, Envelope.RcptAsync),                       // §4.1.1.3
        new("DATA", SmtpState.Mail | SmtpState.Rcpt, Data.DataAsync),                           // §4.1.1.4
        new("BDAT", SmtpState.Mail | SmtpState.Rcpt | SmtpState.Chunking, Data.BdatAsync),      // RFC 3030 §2
        new("RSET", SmtpState.Any, AnyState.RsetAsync),                                         // §4.1.1.5
        new("VRFY", SmtpState.Any & ~SmtpState.Chunking, AnyState.VrfyAsync),                   // §4.1.1.6, §3.5.3
        new("NOOP", SmtpState.Any, AnyState.NoopAsync),                                         // §4.1.1.9
        new("HELP", SmtpState.Any, AnyState.NoopAsync),                                         // §4.1.1.8
        new("QUIT", SmtpState.Any, AnyState.QuitAsync),                                         // §4.1.1.10
        new("STARTTLS", SmtpState.Connected | SmtpState.Ready, StartTls.StartTlsAsync),         // RFC 3207 §4
        new("AUTH", SmtpState.Ready, Sasl.AuthAsync),                                           // RFC 4954 §4
    }.ToDictionary(c => c.Verb, StringComparer.Ordinal);

    public static CommandSpec? Find(string verb) => Commands.GetValueOrDefault(verb);
}
