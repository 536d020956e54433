namespace EdgeMail.Device;

/// <summary>The "Device:MailLed" section: the LED and whose INBOX it watches.</summary>
public sealed class MailLedOptions : LedOptions
{
    /// <summary>
    /// The accounts whose INBOX the mail LED watches; empty watches every account. The device layer only carries
    /// this: the host decides which accounts' counts it passes to <see cref="DeviceSignals"/>.
    /// </summary>
    public string[] Accounts { get; set; } = [];
}
