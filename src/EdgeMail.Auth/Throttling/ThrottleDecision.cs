namespace EdgeMail.Auth.Throttling;

/// <summary>What a protocol does with a login attempt before it verifies the credentials.</summary>
public readonly record struct ThrottleDecision
{
    private ThrottleDecision(ThrottleOutcome outcome, TimeSpan wait, DateTimeOffset lockedUntil)
    {
        Outcome = outcome;
        Wait = wait;
        LockedUntil = lockedUntil;
    }

    public ThrottleOutcome Outcome { get; }

    /// <summary>How long to wait before answering; zero unless <see cref="Outcome"/> is <see cref="ThrottleOutcome.Delay"/>.</summary>
    public TimeSpan Wait { get; }

    /// <summary>When the lockout ends; only meaningful when <see cref="Outcome"/> is <see cref="ThrottleOutcome.Locked"/>.</summary>
    public DateTimeOffset LockedUntil { get; }

    public static ThrottleDecision Allowed { get; } = new(ThrottleOutcome.Allowed, TimeSpan.Zero, default);

    public static ThrottleDecision Delay(TimeSpan wait) => new(ThrottleOutcome.Delay, wait, default);

    public static ThrottleDecision Locked(DateTimeOffset until) => new(ThrottleOutcome.Locked, TimeSpan.Zero, until);
}
