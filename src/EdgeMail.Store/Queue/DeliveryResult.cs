using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Queue;

/// <summary>The appended copies, in the order of the mailboxes asked for, and the queue id if one was made.</summary>
public sealed record DeliveryResult(IReadOnlyList<AppendResult> Appended, long? QueueId, long Size);
