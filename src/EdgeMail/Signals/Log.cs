using Microsoft.Extensions.Logging;

namespace EdgeMail.Signals;

/// <summary>The host's signal feeds (event ids 40–59).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Debug, Message = "Mail LED watches {Inboxes} INBOX(es) of {Accounts} account(s)")]
    public static partial void InboxesWatched(ILogger logger, int inboxes, int accounts);
}
