namespace EdgeMail.Store.Queue;

/// <summary>Queue figures for `edgemail status`: messages, recipients still to send, and of those the ones retried at least once.</summary>
public sealed record QueueCounts(int Messages, int Recipients, int Deferred);
