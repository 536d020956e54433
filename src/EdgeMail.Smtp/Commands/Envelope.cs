// RFC 5321 §4.1.1.2 MAIL, §4.1.1.3 RCPT, §3.3; RFC 1870 §6 SIZE; RFC 6531 §3.4 SMTPUTF8; RFC 3461 §4 DSN;
// RFC 6409 §4.3 (submission needs AUTH), §6.1 (the sender is the user's own).
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Session;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Commands;

internal static class Envelope
{
    public static Task<SmtpReply> MailAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (session.RequireAuth && session.AccountId is null)
        {
            throw new ProtocolException(SmtpReplies.AuthRequired);
        }

        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadMailFrom(out var mail, out var badParameter) || mail is null)
        {
            throw new ProtocolException(badParameter ? SmtpReplies.BadParameter : SmtpReplies.SyntaxError.With("Syntax: MAIL FROM:<address> [parameters]"));
        }

        if (mail.Size is { } size && size > session.Intake.MaxMessageBytes)
        {
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (!mail.SmtpUtf8 && !System.Text.Ascii.IsValid(mail.ReversePath))
        {
            throw new ProtocolException(SmtpReplies.Utf8NotRequested);
        }

        session.Policy.CheckSender(session.Trust, mail.ReversePath);
        session.Mail = mail;
        session.Recipients.Clear();
        session.State = SmtpState.Mail;
        return Task.FromResult(SmtpReplies.SenderOk);
    }

    public static async Task<SmtpReply> RcptAsync(SmtpSession session, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadRcptTo(out var rcpt, out var badParameter) || rcpt is null)
        {
            throw new ProtocolException(badParameter ? SmtpReplies.BadParameter : SmtpReplies.SyntaxError.With("Syntax: RCPT TO:<address> [parameters]"));
        }

        if (session.Recipients.Count >= session.Options.MaxRecipients)
        {
            // RFC 5321 §4.5.3.1.10: 452, and the client sends the rest in another transaction.
            throw new ProtocolException(SmtpReplies.TooManyRecipients, clientFault: false);
        }

        if (!session.Mail!.SmtpUtf8 && !System.Text.Ascii.IsValid(rcpt.ForwardPath))
        {
            throw new ProtocolException(SmtpReplies.Utf8NotRequested);
        }

        var target = await session.Policy.CheckRecipientAsync(session.Trust, rcpt.ForwardPath, cancellationToken).ConfigureAwait(false);
        session.Recipients.Add(target with { Notify = ParseNotify(rcpt.Notify), OriginalRecipient = rcpt.OriginalRecipient });
        session.State = SmtpState.Rcpt;
        return SmtpReplies.RecipientOk;
    }

    private static DsnNotify ParseNotify(string? notify)
    {
        if (notify is null)
        {
            return DsnNotify.Default;
        }

        var result = DsnNotify.Default;
        foreach (var item in notify.Split(','))
        {
            result |= item switch
            {
                "NEVER" => DsnNotify.Never,
                "SUCCESS" => DsnNotify.Success,
                "FAILURE" => DsnNotify.Failure,
                _ => DsnNotify.Delay,
            };
        }

        return result;
    }
}
