namespace EdgeMail.Smtp.Relay;

/// <summary>
/// The relay queue as the box's face shows it: how many recipients wait for a retry after a failed attempt (deferred),
/// and whether the upstream was unreachable at the last attempt. Either one asks for attention (the status LED's slow
/// blink); neither is an error.
/// </summary>
public sealed record RelayHealth(int Deferred, bool UpstreamUnreachable)
{
    public static readonly RelayHealth Healthy = new(0, false);

    public bool NeedsAttention => Deferred > 0 || UpstreamUnreachable;
}

/// <summary>The runner's latest <see cref="RelayHealth"/>, and an event when it changes (raised on the runner's task).</summary>
public sealed class RelayHealthSignal
{
    private RelayHealth _current = RelayHealth.Healthy;

    public RelayHealth Current => Volatile.Read(ref _current);

    public event Action<RelayHealth>? Changed;

    internal void Publish(RelayHealth health)
    {
        if (Interlocked.Exchange(ref _current, health) != health)
        {
            Changed?.Invoke(health);
        }
    }
}
