using Microsoft.Extensions.Logging;

namespace EdgeMail;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "EdgeMail serving data folder {DataPath}; TLS certificate SHA-256 {Fingerprint}; listening {Endpoints}")]
    public static partial void Listening(ILogger logger, string dataPath, string fingerprint, string endpoints);
}
