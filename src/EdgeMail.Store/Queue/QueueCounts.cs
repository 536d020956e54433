namespace EdgeMail.Store.Queue;

/// <summary>
/// Queue figures for `edgemail status` and the web page: messages, recipients still to send, of those the ones retried
/// at least once, and when the oldest message still queued was accepted (null when the queue is empty).
/// </summary>
public sealed record QueueCounts(int Messages, int Recipients, int Deferred, DateTimeOffset? Oldest = null);
