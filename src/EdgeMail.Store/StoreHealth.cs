namespace EdgeMail.Store;

/// <summary>
/// Whether the store's last write batch committed: a failure (an I/O error, a full disk, a broken database) is kept
/// until a later batch commits again. The box's face shows it (the status LED's error pattern, `status`). The event is
/// raised on the writer's thread, only when the state changes, and must be quick.
/// </summary>
public sealed class StoreHealth
{
    private string? _failure;

    /// <summary>Why the last batch failed, or null while writes commit.</summary>
    public string? Failure => Volatile.Read(ref _failure);

    public event Action<string?>? Changed;

    internal void Committed()
    {
        if (Interlocked.Exchange(ref _failure, null) is not null)
        {
            Changed?.Invoke(null);
        }
    }

    internal void Failed(string reason)
    {
        if (Interlocked.Exchange(ref _failure, reason) != reason)
        {
            Changed?.Invoke(reason);
        }
    }
}
