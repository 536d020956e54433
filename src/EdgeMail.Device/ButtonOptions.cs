namespace EdgeMail.Device;

/// <summary>The "Device:Button" section.</summary>
public sealed class ButtonOptions
{
    /// <summary>The GPIO (BCM) number of the button; none when there is no button.</summary>
    public int? Pin { get; set; }

    /// <summary>The button pulls the pin to ground (internal pull-up on, pressed = low), the usual wiring of a bare switch.</summary>
    public bool PullUp { get; set; } = true;

    /// <summary>
    /// Edges within this many milliseconds of the last accepted one are contact bounce. 50 ms covers the bounce of
    /// common tactile switches (a few ms, up to about 20 ms when worn) and is still far shorter than a deliberate press.
    /// </summary>
    public int DebounceMs { get; set; } = 50;

    /// <summary>Holding the button this long opens (or closes) the pairing window; shorter is a press that acknowledges mail.</summary>
    public TimeSpan HoldForPairing { get; set; } = TimeSpan.FromSeconds(3);
}
