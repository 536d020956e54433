namespace EdgeMail.Device.Leds;

/// <summary>
/// Every pattern an LED can show, as a table of on/off durations (the README repeats it). Each is told apart by its
/// rhythm alone, since one LED has one colour: steady, 1 Hz, 4 Hz, pairs of flashes, triples of flashes.
/// </summary>
internal static class LedPatterns
{
    private static LedStep Lit(int ms) => new(true, TimeSpan.FromMilliseconds(ms));

    private static LedStep Dark(int ms) => new(false, TimeSpan.FromMilliseconds(ms));

    public static readonly LedPattern Off = new("off", repeats: false, new LedStep(false, Timeout.InfiniteTimeSpan));

    public static readonly LedPattern On = new("on", repeats: false, new LedStep(true, Timeout.InfiniteTimeSpan));

    /// <summary>Attention: 1 s on, 1 s off.</summary>
    public static readonly LedPattern SlowBlink = new("slow-blink", repeats: true, Lit(1000), Dark(1000));

    /// <summary>Pairing window open: 125 ms on, 125 ms off.</summary>
    public static readonly LedPattern FastBlink = new("fast-blink", repeats: true, Lit(125), Dark(125));

    /// <summary>No account yet: two short flashes, then a pause (1.5 s in all).</summary>
    public static readonly LedPattern DoubleBlink = new("double-blink", repeats: true, Lit(150), Dark(150), Lit(150), Dark(1050));

    /// <summary>Store failure or disk low: three fast flashes, then a pause (2 s in all).</summary>
    public static readonly LedPattern Error = new("error", repeats: true, Lit(125), Dark(125), Lit(125), Dark(125), Lit(125), Dark(1375));

    /// <summary>A delivery: 150 ms on, 150 ms off, over whatever the LED shows, which then comes back.</summary>
    public static readonly LedPattern BlinkOnce = new("blink-once", repeats: false, Lit(150), Dark(150));

    public static IReadOnlyList<LedPattern> All { get; } = [Off, On, SlowBlink, FastBlink, DoubleBlink, Error, BlinkOnce];
}
