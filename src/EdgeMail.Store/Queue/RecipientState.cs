namespace EdgeMail.Store.Queue;

/// <summary>Where one recipient of a queued message stands; stored as its number.</summary>
public enum RecipientState
{
    /// <summary>Waiting for its next attempt.</summary>
    Queued = 0,

    /// <summary>An attempt started and its outcome is not recorded yet; after a crash it is retried.</summary>
    Sending = 1,

    /// <summary>The upstream accepted it.</summary>
    Delivered = 2,

    /// <summary>Refused for good (5xx) or expired; a delivery status notification is due.</summary>
    Failed = 3,
}
