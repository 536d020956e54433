using EdgeMail.Auth.Pairing;
using EdgeMail.Testing;

namespace EdgeMail.Auth.Tests.Pairing;

public sealed class PairingWindowTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<PairingWindowChangedEventArgs> _changes = [];

    private PairingWindow Create(TimeSpan? length = null)
    {
        var window = new PairingWindow(new PairingOptions { Window = length ?? TimeSpan.FromSeconds(120) }, _time);
        window.Changed += (_, e) => _changes.Add(e);
        return window;
    }

    [Fact]
    public void A_new_window_is_closed_and_arms_no_timer()
    {
        using var window = Create();
        Assert.False(window.IsOpen);
        Assert.Equal(TimeSpan.Zero, window.TimeLeft);
        Assert.Null(window.ClosesAt);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void An_open_window_counts_down_on_the_clock_and_expires_after_its_length_with_one_event()
    {
        using var window = Create();
        window.Open();
        Assert.True(window.IsOpen);
        Assert.Equal(TimeSpan.FromSeconds(120), window.TimeLeft);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(120), window.ClosesAt);
        Assert.Equal(1, _time.PendingTimers);

        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.True(window.IsOpen);
        Assert.Equal(TimeSpan.FromSeconds(1), window.TimeLeft);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(window.IsOpen);
        Assert.Equal(TimeSpan.Zero, window.TimeLeft);
        Assert.Equal([PairingWindowChange.Opened, PairingWindowChange.Expired], _changes.Select(c => c.Change));
        Assert.False(_changes[^1].IsOpen);
        Assert.Equal(0, _time.PendingTimers);
    }

    [Fact]
    public void Closing_ends_it_at_once_and_a_second_close_changes_nothing()
    {
        using var window = Create();
        window.Open();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.True(window.Close());
        Assert.False(window.IsOpen);
        Assert.False(window.Close());
        Assert.Equal(0, _time.PendingTimers);

        // Its old expiry passes without an event.
        _time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal([PairingWindowChange.Opened, PairingWindowChange.Closed], _changes.Select(c => c.Change));
    }

    [Fact]
    public void Opening_again_restarts_the_full_length()
    {
        using var window = Create();
        window.Open();
        _time.Advance(TimeSpan.FromSeconds(100));
        window.Open();

        _time.Advance(TimeSpan.FromSeconds(100));
        Assert.True(window.IsOpen);
        Assert.Equal(TimeSpan.FromSeconds(20), window.TimeLeft);
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(window.IsOpen);
        Assert.Equal([PairingWindowChange.Opened, PairingWindowChange.Opened, PairingWindowChange.Expired], _changes.Select(c => c.Change));
    }

    [Fact]
    public void Toggle_opens_a_closed_window_and_closes_an_open_one()
    {
        using var window = Create();
        Assert.True(window.Toggle());
        Assert.True(window.IsOpen);
        Assert.False(window.Toggle());
        Assert.False(window.IsOpen);
        Assert.Equal([PairingWindowChange.Opened, PairingWindowChange.Closed], _changes.Select(c => c.Change));
    }

    [Theory]
    [InlineData(9)]
    [InlineData(3601)]
    public void A_length_out_of_range_is_refused_naming_the_key(int seconds)
    {
        var problem = PairingOptions.FirstProblem(new PairingOptions { Window = TimeSpan.FromSeconds(seconds) });
        Assert.NotNull(problem);
        Assert.StartsWith("Device:Pairing:Window must be between", problem, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PairingWindow(new PairingOptions { Window = TimeSpan.FromSeconds(seconds) }, _time));
    }

    [Fact]
    public void The_default_length_is_120_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(120), new PairingOptions().Window);
        Assert.Null(PairingOptions.FirstProblem(new PairingOptions()));
    }
}
