using EdgeMail.Smtp.Relay;
using EdgeMail.Store;
using EdgeMail.Store.Queue;

namespace EdgeMail.Smtp.Inbound;

/// <summary>
/// The one way mail enters: an accepted envelope and a spooled message become one durable batch, the local copies
/// and the relay queue entry together. SMTP DATA and BDAT end here, and so does `edgemail sendmail` (through SMTP on
/// loopback). It returns only once everything is on stable storage.
/// </summary>
public sealed class MailIntake(MailStore store, RelayOptions relay, RelayQueueSignal signal, TimeProvider time)
{
    /// <summary>Delivers; returns the queue id when something was queued for the upstream.</summary>
    internal async Task<DeliveryResult> DeliverAsync(IntakeEnvelope envelope, Stream message, CancellationToken cancellationToken)
    {
        var local = envelope.Recipients.Where(r => r.IsLocal).Select(r => r.LocalMailboxId!.Value).Distinct().ToArray();
        var remote = envelope.Recipients.Where(r => !r.IsLocal)
            .DistinctBy(r => r.Address, StringComparer.OrdinalIgnoreCase)
            .Select(r => new RelayRecipient(r.Address, r.OriginalRecipient, r.Notify))
            .ToArray();
        var now = time.GetUtcNow();
        var relayEnvelope = remote.Length == 0
            ? null
            : new RelayEnvelope(envelope.Sender, remote, now + relay.MaxQueueLifetime, envelope.AccountId, envelope.EnvelopeId, envelope.Return);
        var result = await store.DeliverAsync(new DeliveryRequest(message, local, relayEnvelope, InternalDate: now), cancellationToken).ConfigureAwait(false);
        if (result.QueueId is not null)
        {
            signal.Notify();
        }

        return result;
    }
}
