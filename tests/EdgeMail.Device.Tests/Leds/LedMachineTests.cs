using EdgeMail.Device.Leds;
using EdgeMail.Testing;

namespace EdgeMail.Device.Tests.Leds;

public sealed class LedMachineTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _clock = new();
    private readonly RecordingLedOutput _led;
    private readonly LedMachine _machine;

    public LedMachineTests()
    {
        _led = new RecordingLedOutput(_clock);
        _machine = new LedMachine(_led, _clock);
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    /// <summary>Steps through one stretch: nothing changes a tick before its end, the level flips exactly at it.</summary>
    private void ExpectStretch(bool on, int ms)
    {
        Assert.Equal(on, _led.Level);
        Assert.Equal(1, _clock.PendingTimers);
        Assert.True(_clock.HasTimerDueAt(_clock.GetUtcNow() + Ms(ms)), $"the next edge is due {ms} ms on");
        _clock.Advance(Ms(ms) - Tick);
        Assert.Equal(on, _led.Level);
        _clock.Advance(Tick);
        Assert.Equal(!on, _led.Level);
    }

    [Theory]
    [InlineData("slow-blink", new[] { 1000, 1000 })]
    [InlineData("fast-blink", new[] { 125, 125 })]
    [InlineData("double-blink", new[] { 150, 150, 150, 1050 })]
    [InlineData("error", new[] { 125, 125, 125, 125, 125, 1375 })]
    public void A_repeating_pattern_flips_the_led_exactly_at_each_edge_cycle_after_cycle(string name, int[] stretches)
    {
        _machine.Show(LedPatterns.All.Single(p => p.Name == name));

        var on = true;
        for (var cycle = 0; cycle < 3; cycle++)
        {
            foreach (var ms in stretches)
            {
                ExpectStretch(on, ms);
                on = !on;
            }
        }

        Assert.Equal(name, _machine.PatternName);
        Assert.Equal(2 + (3 * stretches.Length), _led.Writes.Count); // off when made, on when shown, then one write per edge
    }

    [Fact]
    public void Steady_patterns_set_no_timer_at_all()
    {
        _machine.Show(LedPatterns.On);
        Assert.True(_led.Level);
        Assert.Equal(0, _clock.PendingTimers);

        _machine.Show(LedPatterns.SlowBlink);
        Assert.Equal(1, _clock.PendingTimers);

        _machine.Show(LedPatterns.Off);
        Assert.False(_led.Level);
        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal("off", _machine.PatternName);
    }

    [Fact]
    public void Showing_the_same_pattern_again_keeps_its_phase()
    {
        _machine.Show(LedPatterns.SlowBlink);
        _clock.Advance(Ms(600));

        _machine.Show(LedPatterns.SlowBlink);

        Assert.True(_clock.HasTimerDueAt(_clock.GetUtcNow() + Ms(400)));
        Assert.Equal(1, _clock.PendingTimers);
    }

    [Fact]
    public void Blink_once_over_a_dark_led_flashes_and_leaves_it_dark_with_no_timer()
    {
        _machine.Play(LedPatterns.BlinkOnce);

        Assert.Equal("blink-once", _machine.PatternName);
        ExpectStretch(on: true, 150);

        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal("off", _machine.PatternName);
        Assert.Equal([(TimeSpan.Zero, false), (TimeSpan.Zero, true), (Ms(150), false)], _led.Writes);
    }

    [Fact]
    public void Blink_once_over_a_lit_led_shows_a_dark_gap_then_the_led_is_lit_again()
    {
        _machine.Show(LedPatterns.On);

        _machine.Play(LedPatterns.BlinkOnce);

        Assert.True(_led.Level);
        Assert.True(_clock.HasTimerDueAt(_clock.GetUtcNow() + Ms(150)));
        _clock.Advance(Ms(150));
        Assert.False(_led.Level);
        Assert.Equal("blink-once", _machine.PatternName);
        ExpectStretch(on: false, 150);
        Assert.Equal(0, _clock.PendingTimers);
        Assert.Equal("on", _machine.PatternName);
    }

    [Fact]
    public void A_new_base_during_blink_once_waits_for_it_to_end_without_stretching_it()
    {
        _machine.Play(LedPatterns.BlinkOnce);
        _clock.Advance(Ms(100));

        _machine.Show(LedPatterns.On); // the unseen count arrives just after the delivery

        Assert.Equal("blink-once", _machine.PatternName);
        Assert.True(_clock.HasTimerDueAt(_clock.GetUtcNow() + Ms(50)));
        _clock.Advance(Ms(50));
        Assert.False(_led.Level);
        ExpectStretch(on: false, 150);
        Assert.Equal("on", _machine.PatternName);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void Blink_once_over_a_blinking_led_gives_the_blink_back_from_its_start()
    {
        _machine.Show(LedPatterns.SlowBlink);
        _clock.Advance(Ms(1500)); // dark, half-way

        _machine.Play(LedPatterns.BlinkOnce);

        ExpectStretch(on: true, 150);
        ExpectStretch(on: false, 150);
        Assert.Equal("slow-blink", _machine.PatternName);
        ExpectStretch(on: true, 1000);
    }

    [Fact]
    public void A_failing_output_is_reported_and_the_pattern_goes_on()
    {
        var failures = new List<Exception>();
        var led = new RecordingLedOutput(_clock);
        using var machine = new LedMachine(led, _clock, failures.Add);
        led.Fail = new IOException("brightness: No such device");

        machine.Show(LedPatterns.FastBlink);
        _clock.Advance(Ms(125));

        Assert.Equal(2, failures.Count);
        Assert.Equal(1, _clock.PendingTimers);
    }

    [Fact]
    public void Disposing_drops_the_timer()
    {
        _machine.Show(LedPatterns.FastBlink);

        _machine.Dispose();

        Assert.Equal(0, _clock.PendingTimers);
        _machine.Show(LedPatterns.SlowBlink);
        Assert.Equal(0, _clock.PendingTimers);
    }

    [Fact]
    public void Without_an_output_the_pattern_still_runs_for_the_status()
    {
        using var machine = new LedMachine(output: null, _clock);

        machine.Show(LedPatterns.DoubleBlink);

        Assert.Equal("double-blink", machine.PatternName);
        Assert.True(machine.IsLit);
        _clock.Advance(Ms(150));
        Assert.False(machine.IsLit);
    }
}
