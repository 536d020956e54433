using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3;

/// <summary>
/// The POP3 server's log lines. The listener's scope adds ConnectionId, Remote and Endpoint. Never logged:
/// passwords, SASL payloads, message bodies; commands appear by keyword only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "POP3 login of {Account} ({Method})")]
    public static partial void LoggedIn(ILogger logger, string account, string method);

    [LoggerMessage(3, LogLevel.Debug, "POP3 client error on {Keyword}: {Reply}")]
    public static partial void ClientError(ILogger logger, string keyword, string reply);

    [LoggerMessage(4, LogLevel.Error, "POP3 command {Keyword} failed")]
    public static partial void CommandFailed(ILogger logger, string keyword, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "POP3 session of {Account} ended with QUIT: {Removed} message(s) removed ({Mode}), {Retrieved} retrieved")]
    public static partial void Updated(ILogger logger, string account, int removed, Pop3DeleteMode mode, int retrieved);

    [LoggerMessage(6, LogLevel.Debug, "POP3 session closed after {IdleTimeout} without a command")]
    public static partial void IdleTimeout(ILogger logger, TimeSpan idleTimeout);

    [LoggerMessage(7, LogLevel.Warning, "POP3 session closed after {Count} bad commands")]
    public static partial void TooManyBadCommands(ILogger logger, int count);

    [LoggerMessage(8, LogLevel.Debug, "POP3 client sent data after STLS; closing (CVE-2011-0411; logged by the network layer once per address per minute)")]
    public static partial void StartTlsInjection(ILogger logger);

    [LoggerMessage(9, LogLevel.Debug, "POP3 STLS handshake failed")]
    public static partial void TlsFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Information, "POP3 expired {Count} message(s) of {Account} retrieved {Days} or more days ago")]
    public static partial void Expired(ILogger logger, int count, string account, int days);

    [LoggerMessage(11, LogLevel.Information, "POP3 maildrop of {Account} is in use by another session")]
    public static partial void InUse(ILogger logger, string account);

    [LoggerMessage(12, LogLevel.Error, "POP3 UPDATE failed for {Account}; messages marked for deletion stay")]
    public static partial void UpdateFailed(ILogger logger, string account, Exception exception);

    [LoggerMessage(13, LogLevel.Debug, "POP3 session ended by the client without QUIT; nothing removed")]
    public static partial void Dropped(ILogger logger);

    [LoggerMessage(14, LogLevel.Information, "POP3 session closed: no login within Pop3:LoginDeadline ({Deadline})")]
    public static partial void LoginDeadlinePassed(ILogger logger, TimeSpan deadline);
}
