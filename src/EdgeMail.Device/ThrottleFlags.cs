namespace EdgeMail.Device;

/// <summary>
/// The Raspberry Pi firmware's throttling bits (get_throttled, as `vcgencmd get_throttled` prints them): the low bits
/// are now, bits 16 to 19 "has occurred since boot".
/// </summary>
[Flags]
internal enum ThrottleFlags
{
    None = 0,
    UnderVoltage = 1 << 0,
    FrequencyCapped = 1 << 1,
    Throttled = 1 << 2,
    SoftTemperatureLimit = 1 << 3,
    UnderVoltageOccurred = 1 << 16,
    FrequencyCappedOccurred = 1 << 17,
    ThrottledOccurred = 1 << 18,
    SoftTemperatureLimitOccurred = 1 << 19,
}
