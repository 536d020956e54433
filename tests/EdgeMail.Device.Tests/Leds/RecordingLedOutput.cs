using EdgeMail.Device.Leds;

namespace EdgeMail.Device.Tests.Leds;

/// <summary>An LED that remembers each level written to it, with the clock's time.</summary>
internal sealed class RecordingLedOutput(TimeProvider time) : ILedOutput
{
    private readonly DateTimeOffset _start = time.GetUtcNow();

    public List<(TimeSpan At, bool On)> Writes { get; } = [];

    public bool? Level => Writes.Count == 0 ? null : Writes[^1].On;

    public Exception? Fail { get; set; }

    public string Description => "recording";

    public void Set(bool on)
    {
        if (Fail is { } failure)
        {
            throw failure;
        }
        Writes.Add((time.GetUtcNow() - _start, on));
    }

    public void Dispose()
    {
    }
}
