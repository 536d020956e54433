namespace EdgeMail.Fetch;

/// <summary>
/// The fetch accounts that have gone Fetch:AlertAfter without a success (the status LED's slow blink asks for
/// attention then, one reason per account), with an event when the set changes; raised on a worker's task.
/// </summary>
public sealed class FetchHealthSignal
{
    private IReadOnlySet<string> _failing = new HashSet<string>(StringComparer.Ordinal);

    public IReadOnlySet<string> Failing => Volatile.Read(ref _failing);

    /// <summary>The set before and after.</summary>
    public event Action<IReadOnlySet<string>, IReadOnlySet<string>>? Changed;

    internal void Publish(IReadOnlySet<string> failing)
    {
        var before = Interlocked.Exchange(ref _failing, failing);
        if (!before.SetEquals(failing))
        {
            Changed?.Invoke(before, failing);
        }
    }
}
