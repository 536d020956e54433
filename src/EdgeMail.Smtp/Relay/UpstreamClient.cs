using EdgeMail.Store.Queue;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace EdgeMail.Smtp.Relay;

/// <summary>
/// MailKit's SmtpClient with one answer per recipient: a refused RCPT is recorded instead of ending the whole
/// transaction (so one bad address does not hold back the others), and the DSN parameters given to us are passed on
/// (RFC 3461 §4: a relay keeps NOTIFY, ORCPT and ENVID).
/// </summary>
internal sealed class UpstreamClient : SmtpClient
{
    private readonly Dictionary<string, QueuedRecipient> _recipients = new(StringComparer.OrdinalIgnoreCase);
    private string? _envelopeId;

    public Dictionary<string, SmtpResponse> Rejected { get; } = new(StringComparer.OrdinalIgnoreCase);

    public HashSet<string> Accepted { get; } = new(StringComparer.OrdinalIgnoreCase);

    public void Prepare(IEnumerable<QueuedRecipient> recipients, string? envelopeId)
    {
        _recipients.Clear();
        Rejected.Clear();
        Accepted.Clear();
        foreach (var recipient in recipients)
        {
            _recipients[recipient.Address] = recipient;
        }

        _envelopeId = envelopeId;
    }

    /// <summary>
    /// Relays the message as stored. MailKit would re-encode any part with a line over 998 octets (or 8-bit data)
    /// before sending, which changes a message that may be signed; only an upstream without 8BITMIME, which could
    /// not take 8-bit data at all, gets MailKit's conversion (which still leaves DKIM- or ARC-signed mail alone).
    /// </summary>
    protected override void Prepare(FormatOptions options, MimeMessage message, EncodingConstraint constraint, int maxLineLength)
    {
        if (constraint == EncodingConstraint.SevenBit)
        {
            base.Prepare(options, message, constraint, maxLineLength);
        }
    }

    protected override void OnRecipientAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Accepted.Add(mailbox.Address);

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) =>
        Rejected[mailbox.Address] = response;

    protected override void OnNoRecipientsAccepted(MimeMessage message) => throw new NoRecipientsAcceptedException();

    protected override string? GetEnvelopeId(MimeMessage message) => _envelopeId;

    protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox)
    {
        if (!_recipients.TryGetValue(mailbox.Address, out var recipient) || recipient.Notify == DsnNotify.Default)
        {
            return null;
        }

        if (recipient.Notify.HasFlag(DsnNotify.Never))
        {
            return DeliveryStatusNotification.Never;
        }

        DeliveryStatusNotification result = 0;
        if (recipient.Notify.HasFlag(DsnNotify.Success))
        {
            result |= DeliveryStatusNotification.Success;
        }

        if (recipient.Notify.HasFlag(DsnNotify.Failure))
        {
            result |= DeliveryStatusNotification.Failure;
        }

        if (recipient.Notify.HasFlag(DsnNotify.Delay))
        {
            result |= DeliveryStatusNotification.Delay;
        }

        return result;
    }
}
