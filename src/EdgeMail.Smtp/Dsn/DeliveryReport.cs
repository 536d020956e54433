// RFC 3464 (message/delivery-status), RFC 6522 (multipart/report), RFC 3461 §6 (what a DSN returns: RET),
// RFC 3834 §5 (Auto-Submitted), RFC 5321 §4.5.5 (sent with the null reverse-path, never bounced again).
using System.Globalization;
using EdgeMail.Store.Queue;
using MimeKit;
using MimeKit.Utils;

namespace EdgeMail.Smtp.Dsn;

/// <summary>Builds the delivery status notification for the recipients of a queued message that failed for good.</summary>
internal static class DeliveryReport
{
    public static MimeMessage Build(QueuedMessage queued, IReadOnlyList<QueuedRecipient> failed, Stream original, string reportingMta, string postmasterDomain, DateTimeOffset now)
    {
        var report = new MultipartReport("delivery-status");

        var lines = string.Join("\r\n", failed.Select(r => $"<{r.Address}>: {r.LastError ?? "delivery failed"}"));
        report.Add(new TextPart("plain")
        {
            Text = $"""
                This is the mail system at {reportingMta}.

                Your message could not be delivered to one or more recipients.
                It is attached below.

                {lines}
                """,
        });

        var status = new MessageDeliveryStatus();
        var perMessage = new HeaderList
        {
            { "Reporting-MTA", "dns; " + reportingMta },
            { "Arrival-Date", DateUtils.FormatDate(queued.Created) },
        };
        if (queued.EnvelopeId is not null)
        {
            perMessage.Add("Original-Envelope-Id", queued.EnvelopeId);
        }

        status.StatusGroups.Add(perMessage);
        foreach (var recipient in failed)
        {
            var group = new HeaderList();
            if (recipient.OriginalRecipient is not null)
            {
                group.Add("Original-Recipient", recipient.OriginalRecipient);
            }

            group.Add("Final-Recipient", "rfc822; " + recipient.Address);
            group.Add("Action", "failed");
            group.Add("Status", StatusCode(recipient.LastError));
            if (recipient.LastError is { } error && char.IsAsciiDigit(error[0]))
            {
                group.Add("Diagnostic-Code", "smtp; " + error);
            }

            if (recipient.LastAttempt is { } last)
            {
                group.Add("Last-Attempt-Date", DateUtils.FormatDate(last));
            }

            status.StatusGroups.Add(group);
        }

        report.Add(status);
        report.Add(queued.Return == DsnReturn.Full
            ? new MessagePart("rfc822") { Message = MimeMessage.Load(original) }
            : new MimePart("text", "rfc822-headers") { Content = new MimeContent(HeadersOf(original)) });

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mail Delivery System", "MAILER-DAEMON@" + postmasterDomain));
        message.To.Add(MailboxAddress.Parse(queued.Sender));
        message.Subject = "Undelivered Mail Returned to Sender";
        message.Date = now;
        message.MessageId = MimeUtils.GenerateMessageId(postmasterDomain);
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Body = report;
        return message;
    }

    /// <summary>The enhanced status code of a reply text ("550 5.1.1 ..."), or a generic one (RFC 3463).</summary>
    public static string StatusCode(string? error)
    {
        if (error is not null)
        {
            var parts = error.Split(' ', 3);
            if (parts.Length >= 2 && parts[1].Length >= 5 && parts[1][1] == '.' && char.IsAsciiDigit(parts[1][0]))
            {
                return parts[1];
            }

            if (parts[0].Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                return code >= 500 ? "5.0.0" : "4.0.0";
            }
        }

        return "4.4.7"; // RFC 3463 §3.5: delivery time expired
    }

    private static MemoryStream HeadersOf(Stream original)
    {
        var headers = new MemoryStream();
        var atLineStart = true;
        int current;
        while ((current = original.ReadByte()) >= 0)
        {
            if (atLineStart && current is '\r' or '\n')
            {
                break; // the empty line that ends the header (RFC 5322 §2.1)
            }

            headers.WriteByte((byte)current);
            atLineStart = current == '\n';
        }

        headers.Position = 0;
        return headers;
    }
}
