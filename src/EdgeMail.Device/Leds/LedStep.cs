namespace EdgeMail.Device.Leds;

/// <summary>One stretch of a pattern: the LED on or off for a while (<see cref="Timeout.InfiniteTimeSpan"/>: for good).</summary>
internal readonly record struct LedStep(bool On, TimeSpan Duration);
