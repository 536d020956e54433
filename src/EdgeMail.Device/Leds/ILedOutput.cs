namespace EdgeMail.Device.Leds;

/// <summary>Where an LED's level goes: a GPIO pin or a Linux LED class device. The pattern machine is the only writer.</summary>
internal interface ILedOutput : IDisposable
{
    /// <summary>What the LED is, for the status ("GPIO 17", "LED class ACT").</summary>
    string Description { get; }

    void Set(bool on);
}
