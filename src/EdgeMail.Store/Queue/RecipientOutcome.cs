namespace EdgeMail.Store.Queue;

/// <summary>
/// The result of one attempt for one recipient: delivered, failed for good, or queued again for
/// <see cref="NextAttempt"/>. <see cref="Unreachable"/> marks a retry caused by the upstream not answering at all,
/// which is retried at once when the upstream is seen again.
/// </summary>
public sealed record RecipientOutcome(long RecipientId, RecipientState State, string? Error, DateTimeOffset NextAttempt, bool Unreachable = false);
