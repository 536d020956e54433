namespace EdgeMail.Device.Leds;

/// <summary>
/// A pattern as data: its steps, played in order and, if <see cref="Repeats"/>, over again. A steady pattern is one
/// step of infinite duration; a pattern that neither repeats nor is steady is played once over the LED's steady
/// pattern and then gives way to it (<see cref="LedPatterns.BlinkOnce"/>).
/// </summary>
internal sealed class LedPattern
{
    public LedPattern(string name, bool repeats, params LedStep[] steps)
    {
        if (steps.Length == 0 || (steps.Length == 1 && steps[0].Duration != Timeout.InfiniteTimeSpan && repeats))
        {
            throw new ArgumentException($"pattern {name}: a repeating pattern needs at least two steps", nameof(steps));
        }
        if (steps.Any(s => s.Duration <= TimeSpan.Zero && s.Duration != Timeout.InfiniteTimeSpan))
        {
            throw new ArgumentException($"pattern {name}: every step lasts a while", nameof(steps));
        }

        Name = name;
        Repeats = repeats;
        Steps = steps;
    }

    /// <summary>The name the status shows (<c>off</c>, <c>on</c>, <c>slow-blink</c>, ...).</summary>
    public string Name { get; }

    public bool Repeats { get; }

    public IReadOnlyList<LedStep> Steps { get; }

    public bool IsSteady => Steps.Count == 1 && Steps[0].Duration == Timeout.InfiniteTimeSpan;

    public override string ToString() => Name;
}
