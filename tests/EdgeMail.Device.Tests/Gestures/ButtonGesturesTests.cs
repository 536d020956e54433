using EdgeMail.Device.Gestures;
using EdgeMail.Testing;

namespace EdgeMail.Device.Tests.Gestures;

public sealed class ButtonGesturesTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _clock = new();
    private readonly ButtonGestures _button;
    private readonly List<string> _events = [];

    public ButtonGesturesTests()
    {
        _button = new ButtonGestures(_clock, TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(3));
        _button.ShortPress += () => _events.Add("short-press");
        _button.Held += () => _events.Add("held");
    }

    public void Dispose() => _button.Dispose();

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_press_released_before_the_hold_time_is_a_short_press_at_the_release()
    {
        _button.Edge(pressed: true);
        Assert.True(_button.IsDown);
        Assert.Equal(ButtonGesture.Down, _button.Last.Gesture);
        _clock.Advance(Ms(300));
        Assert.Empty(_events);

        _button.Edge(pressed: false);

        Assert.Equal(["short-press"], _events);
        Assert.Equal((ButtonGesture.ShortPress, _clock.GetUtcNow()), _button.Last);
    }

    [Fact]
    public void Holding_raises_Held_at_exactly_the_hold_time_not_at_the_release()
    {
        _button.Edge(pressed: true);
        var pressedAt = _clock.GetUtcNow();

        _clock.Advance(TimeSpan.FromSeconds(3) - Tick);
        Assert.Empty(_events);
        _clock.Advance(Tick);

        Assert.Equal(["held"], _events);
        Assert.Equal((ButtonGesture.Held, pressedAt + TimeSpan.FromSeconds(3)), _button.Last);
        Assert.Equal(0, _clock.PendingTimers); // held: nothing more to wait for while it stays down
    }

    [Fact]
    public void The_release_after_a_hold_does_nothing_more()
    {
        _button.Edge(pressed: true);
        _clock.Advance(TimeSpan.FromSeconds(5));

        _button.Edge(pressed: false);

        Assert.Equal(["held"], _events);
        Assert.Equal(ButtonGesture.Released, _button.Last.Gesture);
    }

    [Fact]
    public void A_release_just_before_the_hold_time_is_a_short_press_and_no_hold_follows()
    {
        _button.Edge(pressed: true);
        _clock.Advance(TimeSpan.FromSeconds(3) - Tick);

        _button.Edge(pressed: false);
        _clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["short-press"], _events);
    }

    [Fact]
    public void Contact_bounce_shorter_than_the_debounce_is_ignored()
    {
        // Closing contacts chatter: down, up 5 ms later, down again 5 ms after that, all within 50 ms.
        _button.Edge(pressed: true);
        _clock.Advance(Ms(5));
        _button.Edge(pressed: false);
        _clock.Advance(Ms(5));
        _button.Edge(pressed: true);
        Assert.True(_button.IsDown);

        // And so do opening ones.
        _clock.Advance(Ms(400));
        _button.Edge(pressed: false);
        _clock.Advance(Ms(10));
        _button.Edge(pressed: true);
        _clock.Advance(Ms(10));
        _button.Edge(pressed: false);

        Assert.Equal(["short-press"], _events);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["short-press"], _events);
    }

    [Fact]
    public void A_bounce_that_leaves_the_contacts_open_is_taken_once_they_settle()
    {
        _button.Edge(pressed: true);
        _clock.Advance(Ms(200));
        _button.Edge(pressed: false);
        _clock.Advance(Ms(20));
        _button.Edge(pressed: true); // bounce...
        _clock.Advance(Ms(10));
        _button.Edge(pressed: false); // ...and open for good, within the debounce of the accepted release

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(["short-press"], _events);
        Assert.False(_button.IsDown);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void A_tap_shorter_than_the_debounce_is_taken_when_the_contacts_settle_and_never_becomes_a_hold()
    {
        _button.Edge(pressed: true);
        _clock.Advance(Ms(20));
        _button.Edge(pressed: false); // within the debounce: the release is bounce for now

        _clock.Advance(Ms(30)); // the debounce ends with the contacts open

        Assert.Equal(["short-press"], _events);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(["short-press"], _events);
    }

    [Fact]
    public void A_timer_is_set_only_while_the_button_is_down()
    {
        Assert.Equal(0, _clock.PendingTimers);

        _button.Edge(pressed: true);
        Assert.Equal(1, _clock.PendingTimers);
        Assert.True(_clock.HasTimerDueAt(_clock.GetUtcNow() + TimeSpan.FromSeconds(3)));

        _clock.Advance(Ms(500));
        _button.Edge(pressed: false);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void A_second_hold_raises_Held_again()
    {
        _button.Edge(pressed: true);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _button.Edge(pressed: false);
        _clock.Advance(TimeSpan.FromSeconds(10));

        _button.Edge(pressed: true);
        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(["held", "held"], _events);
    }
}
