namespace EdgeMail.Store.Queue;

/// <summary>
/// One message for local mailboxes and/or the relay queue, written as one durable batch: the body once,
/// a message row per mailbox, the queue rows. <see cref="CompletesQueueMessage"/> removes a finished queue
/// entry in the same transaction (a delivery status notification replacing the message it reports on).
/// <see cref="Fetched"/> records a fetched message's remote identity in the same transaction, and refuses the
/// delivery (<see cref="StoreError.AlreadyExists"/>) when that identity was committed before.
/// </summary>
public sealed record DeliveryRequest(
    Stream Body,
    IReadOnlyList<long> MailboxIds,
    RelayEnvelope? Relay = null,
    long? CompletesQueueMessage = null,
    DateTimeOffset? InternalDate = null,
    Fetch.FetchOrigin? Fetched = null);
