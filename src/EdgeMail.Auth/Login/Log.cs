using Microsoft.Extensions.Logging;

namespace EdgeMail.Auth.Login;

/// <summary>The login path's log lines. Never logged: passwords, SASL payloads.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Failed login from {Address} as {UserName} over {Protocol} {Mechanism}: {Outcome}")]
    public static partial void LoginFailed(ILogger logger, string address, string userName, string protocol, string mechanism, LoginOutcome outcome);

    [LoggerMessage(2, LogLevel.Warning, "{Count} more failed logins from {Address} in the last {Seconds} s, the last as {UserName} over {Protocol} {Mechanism}")]
    public static partial void LoginFailuresSummary(ILogger logger, int count, string address, double seconds, string userName, string protocol, string mechanism);

    [LoggerMessage(3, LogLevel.Warning, "{Count} failed logins in the last {Seconds} s from addresses beyond the {Tracked} tracked")]
    public static partial void LoginFailuresOverflow(ILogger logger, long count, double seconds, int tracked);
}
