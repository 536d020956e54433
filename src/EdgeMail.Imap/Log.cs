using Microsoft.Extensions.Logging;

namespace EdgeMail.Imap;

internal static partial class Log
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "IMAP {ConnectionId}: {Tag} {Command} answered BAD: {Reason}")]
    public static partial void BadCommand(ILogger logger, string connectionId, string tag, string command, string reason);

    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "IMAP {ConnectionId}: {Command} failed")]
    public static partial void CommandFailed(ILogger logger, string connectionId, string command, Exception exception);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "IMAP {ConnectionId}: {Account} logged in from {Remote}{AppPassword}")]
    public static partial void LoggedIn(ILogger logger, string connectionId, string account, string remote, string appPassword);

    [LoggerMessage(EventId = 304, Level = LogLevel.Debug, Message = "IMAP {ConnectionId}: closed after {BadCommands} bad commands")]
    public static partial void TooManyBadCommands(ILogger logger, string connectionId, int badCommands);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "IMAP {ConnectionId}: closed, no login within Imap:LoginDeadline ({Deadline})")]
    public static partial void LoginDeadlinePassed(ILogger logger, string connectionId, TimeSpan deadline);

    [LoggerMessage(EventId = 305, Level = LogLevel.Warning, Message = "IMAP {ConnectionId}: new messages left unclaimed as recent: {Reason}")]
    public static partial void RecentNotClaimed(ILogger logger, string connectionId, string reason);
}
