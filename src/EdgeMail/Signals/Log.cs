using Microsoft.Extensions.Logging;

namespace EdgeMail.Signals;

/// <summary>The host's signal feeds (event ids 40–59).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Mail LED watches {Inboxes} INBOX(es) of {Accounts} account(s)")]
    public static partial void InboxesWatched(ILogger logger, int inboxes, int accounts);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Free disk space is low: {FreeBytes} bytes left, below Storage:MinFreeBytes")]
    public static partial void DiskLow(ILogger logger, long freeBytes);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Free disk space is back above Storage:MinFreeBytes: {FreeBytes} bytes")]
    public static partial void DiskSpaceBack(ILogger logger, long freeBytes);
}
