namespace EdgeMail.Cli;

/// <summary>The relay queue: messages, recipients still to send, and of those the ones already retried.</summary>
internal sealed class QueueStatus
{
    public int Messages { get; set; }

    public int Recipients { get; set; }

    public int Deferred { get; set; }
}
