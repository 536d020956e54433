using Microsoft.Extensions.Logging;

namespace EdgeMail.Fetch;

internal static partial class Log
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "fetch {Name}: {Count} new message(s) from {Host}")]
    public static partial void Fetched(ILogger logger, string name, int count, string host);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "fetch {Name}: {Error}; next attempt in {Delay}")]
    public static partial void Failed(ILogger logger, string name, string error, TimeSpan delay);

    [LoggerMessage(EventId = 702, Level = LogLevel.Debug, Message = "fetch {Name}: failed again ({Failures} in a row, same error); next attempt in {Delay}")]
    public static partial void FailedAgain(ILogger logger, string name, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "fetch {Name}: {Host} answers again after {Failures} failed attempt(s)")]
    public static partial void Recovered(ILogger logger, string name, string host, int failures);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "fetch {Name}: the certificate of {Host} is not checked (--insecure-tls)")]
    public static partial void InsecureTls(ILogger logger, string name, string host);

    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "fetch {Name}: waiting in IDLE on {Host}")]
    public static partial void Idling(ILogger logger, string name, string host);

    [LoggerMessage(EventId = 706, Level = LogLevel.Error, Message = "fetch {Name}: the worker stopped")]
    public static partial void WorkerCrashed(ILogger logger, Exception error, string name);
}
