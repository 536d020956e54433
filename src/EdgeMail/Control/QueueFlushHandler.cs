using System.Globalization;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store;

namespace EdgeMail.Control;

/// <summary>`queue flush` on the running service: every waiting recipient is due now, and the relay runner scans at once.</summary>
internal sealed class QueueFlushHandler(MailStore store, RelayQueueSignal signal) : IControlHandler
{
    public string Verb => "queue flush";

    public async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var count = await store.FlushQueueAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        signal.Notify();
        return new ControlResponse { Message = string.Create(CultureInfo.InvariantCulture, $"{count} recipient(s) due now; the running service is sending them") };
    }
}
