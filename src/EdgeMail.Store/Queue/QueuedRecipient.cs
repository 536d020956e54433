namespace EdgeMail.Store.Queue;

/// <summary>A recipient's row in the relay queue.</summary>
public sealed record QueuedRecipient(
    long Id,
    string Address,
    string? OriginalRecipient,
    DsnNotify Notify,
    RecipientState State,
    int Attempts,
    DateTimeOffset NextAttempt,
    DateTimeOffset? LastAttempt,
    string? LastError,
    bool Unreachable);
