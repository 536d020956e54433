using EdgeMail.Delivery.Routing;
using EdgeMail.Delivery.Trace;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using EdgeMail.Store.Queue;

namespace EdgeMail.Delivery;

/// <summary>
/// What happens to a message for a local address, whichever way it came in (SMTP, the relay queue's delivery reports,
/// the provider fetch): it is received into the store's staging stream behind its Received trace header and within the
/// size limit, routed from domain to account to mailbox, and handed to the store in one durable batch with any relay
/// queue entry. It returns only once everything is on stable storage.
/// </summary>
public sealed class MailDelivery
{
    private readonly MailStore _store;
    private readonly DeliveryOptions _options;

    public MailDelivery(MailStore store, LocalDomains domains, DeliveryOptions options)
    {
        _store = store;
        _options = options;
        Router = new LocalRouter(store, domains, options.PostmasterAccount);
    }

    public LocalRouter Router { get; }

    /// <summary>Largest message delivered (SMTP advertises it in SIZE, RFC 1870).</summary>
    public long MaxMessageBytes => _options.MaxMessageBytes;

    /// <summary>Starts receiving a message: its trace header is written first (a report made here has none).</summary>
    public async Task<IncomingMessage> BeginAsync(ReceivedTrace? trace, CancellationToken cancellationToken = default)
    {
        var message = new IncomingMessage(_store.CreateStaging(), _options.MaxMessageBytes);
        if (trace is not null)
        {
            await message.WriteTraceAsync(trace.Format(), cancellationToken).ConfigureAwait(false);
        }

        return message;
    }

    /// <summary>
    /// Hands a received message to the store: a copy in each local mailbox and the relay queue entry, together, the
    /// body stored once. <paramref name="completesQueueMessage"/> removes a queued message in the same batch (a report
    /// that replaces it); <paramref name="fetched"/> records a fetched message's remote identity with it (refused as
    /// <see cref="StoreError.AlreadyExists"/> when it was fetched before). The message is consumed either way.
    /// </summary>
    public async Task<DeliveryResult> DeliverAsync(IncomingMessage message, IReadOnlyCollection<LocalTarget> local, RelayEnvelope? relay, DateTimeOffset? internalDate = null, long? completesQueueMessage = null, FetchOrigin? fetched = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using (message.ConfigureAwait(false))
        {
            if (message.TooLarge)
            {
                throw new StoreException(StoreError.TooLarge, $"the message is larger than {_options.MaxMessageBytes} bytes");
            }

            if (message.ReceivedHeaders > _options.MaxReceivedHeaders)
            {
                throw new MailLoopException(message.ReceivedHeaders, _options.MaxReceivedHeaders);
            }

            var mailboxes = local.Select(t => t.MailboxId).Distinct().ToArray();
            return await _store.DeliverAsync(new DeliveryRequest(message.Staging, mailboxes, relay, completesQueueMessage, internalDate, fetched), cancellationToken).ConfigureAwait(false);
        }
    }
}
