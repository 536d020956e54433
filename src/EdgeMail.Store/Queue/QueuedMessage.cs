namespace EdgeMail.Store.Queue;

/// <summary>A message in the relay queue with all its recipients.</summary>
public sealed record QueuedMessage(
    long Id,
    string Sender,
    long? AccountId,
    DateTimeOffset Created,
    DateTimeOffset Expires,
    long BodyId,
    long Size,
    string? EnvelopeId,
    DsnReturn Return,
    IReadOnlyList<QueuedRecipient> Recipients)
{
    /// <summary>No recipient is waiting or being sent: the entry can be reported on and removed.</summary>
    public bool IsFinished => Recipients.All(r => r.State is RecipientState.Delivered or RecipientState.Failed);
}
