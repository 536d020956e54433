// RFC 5321 §4.1.1.2 MAIL, §4.1.1.3 RCPT, §3.3; RFC 1870 §6 SIZE; RFC 6531 §3.4 SMTPUTF8; RFC 3461 §4 DSN;
// RFC 6409 §4.3 (submission needs AUTH), §6.1 (the sender is the user's own).
using EdgeMail.Smtp.Protocol;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    public Task MailAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        if (_requireAuth && _accountId is null)
        {
            throw new ProtocolException(SmtpReplies.AuthRequired);
        }

        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadMailFrom(out var mail, out var badParameter) || mail is null)
        {
            throw new ProtocolException(badParameter ? SmtpReplies.BadParameter : SmtpReplies.SyntaxError.With("Syntax: MAIL FROM:<address> [parameters]"));
        }

        if (mail.Size is { } size && size > _options.MaxMessageBytes)
        {
            throw new ProtocolException(SmtpReplies.MessageTooBig);
        }

        if (!mail.SmtpUtf8 && !System.Text.Ascii.IsValid(mail.ReversePath))
        {
            throw new ProtocolException(SmtpReplies.Utf8NotRequested);
        }

        _policy.CheckSender(Trust, mail.ReversePath);
        _mail = mail;
        _recipients.Clear();
        _state = SmtpState.Mail;
        Write(SmtpReplies.SenderOk);
        return Task.CompletedTask;
    }

    public async Task RcptAsync(ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        var reader = new SmtpCommandReader(arguments);
        if (!reader.TryReadRcptTo(out var rcpt, out var badParameter) || rcpt is null)
        {
            throw new ProtocolException(badParameter ? SmtpReplies.BadParameter : SmtpReplies.SyntaxError.With("Syntax: RCPT TO:<address> [parameters]"));
        }

        if (_recipients.Count >= _options.MaxRecipients)
        {
            // RFC 5321 §4.5.3.1.10: 452, and the client sends the rest in another transaction.
            throw new ProtocolException(SmtpReplies.TooManyRecipients, clientFault: false);
        }

        if (!_mail!.SmtpUtf8 && !System.Text.Ascii.IsValid(rcpt.ForwardPath))
        {
            throw new ProtocolException(SmtpReplies.Utf8NotRequested);
        }

        var target = await _policy.CheckRecipientAsync(Trust, rcpt.ForwardPath, cancellationToken).ConfigureAwait(false);
        _recipients.Add(target with { Notify = ParseNotify(rcpt.Notify), OriginalRecipient = rcpt.OriginalRecipient });
        _state = SmtpState.Rcpt;
        Write(SmtpReplies.RecipientOk);
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
