namespace EdgeMail.Device;

/// <summary>One LED: a GPIO pin, or a Linux LED class device; neither means the LED is not wired.</summary>
public class LedOptions
{
    /// <summary>The GPIO (BCM) number the LED hangs on; none when not wired to a pin.</summary>
    public int? Pin { get; set; }

    /// <summary>The pin lights the LED when low (LED wired from 3.3 V to the pin).</summary>
    public bool ActiveLow { get; set; }

    /// <summary>
    /// A Linux LED class device (a folder of /sys/class/leds, such as <c>ACT</c> or <c>led0</c> for a Pi's on-board
    /// green LED), used instead of a pin when no external LED is wired.
    /// </summary>
    public string? LedClass { get; set; }
}
