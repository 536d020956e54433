using Microsoft.Extensions.Logging;

namespace EdgeMail.Device;

// Source-generated log messages of the device layer.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Device: {Driver} driver; mail LED {MailLed}, status LED {StatusLed}, button {Button}")]
    public static partial void DeviceOpened(this ILogger logger, string driver, string mailLed, string statusLed, string button);

    [LoggerMessage(2, LogLevel.Warning, "Device unavailable, mail goes on without LEDs and button: {Reason}")]
    public static partial void DeviceUnavailable(this ILogger logger, string reason, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "{Led} ({Output}): writing it failed, not said again: {Error}")]
    public static partial void LedWriteFailed(this ILogger logger, string led, string output, string error);

    [LoggerMessage(4, LogLevel.Warning, "Device:Button:PullUp: the {Driver} driver cannot set GPIO {Pin}'s pull-up; wire one, or set it in config.txt (gpio={Pin}=ip,pu)")]
    public static partial void PullUpUnsupported(this ILogger logger, string driver, int pin);

    [LoggerMessage(5, LogLevel.Debug, "Button: short press, mail acknowledged")]
    public static partial void ShortPress(this ILogger logger);

    [LoggerMessage(6, LogLevel.Information, "Button: held for {Hold}")]
    public static partial void Held(this ILogger logger, TimeSpan hold);
}
