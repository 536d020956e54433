namespace EdgeMail.Auth.Tests.Throttling;

// A clock that moves only when a test says so. EdgeMail.Testing is meant to hold the shared one
// (CONVENTIONS §1); until it does, this one serves the throttle tests.
internal sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
