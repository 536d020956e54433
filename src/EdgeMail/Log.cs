using Microsoft.Extensions.Logging;

namespace EdgeMail;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "EdgeMail serving data folder {DataPath}; TLS certificate SHA-256 {Fingerprint}; CA SHA-256 {AuthorityFingerprint}; listening {Endpoints}")]
    public static partial void Listening(ILogger logger, string dataPath, string fingerprint, string authorityFingerprint, string endpoints);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Control channel listening on {Path}")]
    public static partial void ControlListening(ILogger logger, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Control channel {Path} unavailable, the CLI works offline: {Reason}")]
    public static partial void ControlUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Control channel accept failed: {Error}")]
    public static partial void ControlAcceptFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Control request {Verb}")]
    public static partial void ControlRequest(ILogger logger, string verb);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Control request {Verb} failed")]
    public static partial void ControlRequestFailed(ILogger logger, string verb, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Debug, Message = "Control request abandoned: {Reason}")]
    public static partial void ControlRequestAbandoned(ILogger logger, string reason);
}
