using EdgeMail.Delivery;
using EdgeMail.Delivery.Trace;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Inbound;

/// <summary>
/// Where an accepted SMTP transaction ends: its local recipients and the relay queue entry for the others go to
/// <see cref="MailDelivery"/> as one durable batch, and the queue runner is woken. SMTP DATA and BDAT end here, and
/// so does `edgemail sendmail` (through SMTP on loopback). It returns only once everything is on stable storage.
/// </summary>
public sealed class MailIntake(MailDelivery delivery, RelayOptions relay, RelayQueueSignal signal, TimeProvider time)
{
    /// <summary>Largest message accepted (RFC 1870 SIZE): the delivery's limit.</summary>
    public long MaxMessageBytes => delivery.MaxMessageBytes;

    /// <summary>Starts receiving a message behind its Received trace line.</summary>
    internal Task<IncomingMessage> BeginAsync(ReceivedTrace trace, CancellationToken cancellationToken) =>
        delivery.BeginAsync(trace, cancellationToken);

    /// <summary>Delivers; returns the queue id when something was queued for the upstream.</summary>
    internal async Task<DeliveryResult> DeliverAsync(IntakeEnvelope envelope, IncomingMessage message, CancellationToken cancellationToken)
    {
        var local = envelope.Recipients.Where(r => r.IsLocal).Select(r => r.Local!).ToArray();
        var remote = envelope.Recipients.Where(r => !r.IsLocal)
            .DistinctBy(r => r.Address, StringComparer.OrdinalIgnoreCase)
            .Select(r => new RelayRecipient(r.Address, r.OriginalRecipient, r.Notify))
            .ToArray();
        var now = time.GetUtcNow();
        var relayEnvelope = remote.Length == 0
            ? null
            : new RelayEnvelope(envelope.Sender, remote, now + relay.MaxQueueLifetime, envelope.AccountId, envelope.EnvelopeId, envelope.Return);
        var result = await delivery.DeliverAsync(message, local, relayEnvelope, now, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.QueueId is not null)
        {
            signal.Notify();
        }

        return result;
    }
}
