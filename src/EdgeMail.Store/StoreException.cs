namespace EdgeMail.Store;

/// <summary>A refused operation; nothing was changed. The message is safe to show to a client or on the CLI.</summary>
public sealed class StoreException(StoreError error, string message, Exception? inner = null) : Exception(message, inner)
{
    public StoreError Error { get; } = error;
}
