using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp;

/// <summary>Source-generated log messages. Never a password, an AUTH payload or a message body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "SMTP client fault: {Reply}")]
    public static partial void ClientFault(ILogger logger, string reply);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "SMTP command {Verb} failed on connection {ConnectionId}")]
    public static partial void CommandFailed(ILogger logger, string verb, string connectionId, Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "SMTP {ConnectionId} authenticated as {Account}")]
    public static partial void Authenticated(ILogger logger, string connectionId, string account);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "SMTP {ConnectionId} accepted a message of {Size} bytes from <{Sender}> for {Local} local and {Remote} remote recipients (queue id {QueueId})")]
    public static partial void Accepted(ILogger logger, string connectionId, long size, string sender, int local, int remote, long? queueId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "SMTP {ConnectionId} sent data after STARTTLS before the handshake; closing (CVE-2011-0411; logged by the network layer once per address per minute)")]
    public static partial void StartTlsInjection(ILogger logger, string connectionId);

    // Debug, as IMAP and POP3 treat a client that vanishes (a reset, a broken pipe): that is how connections end, and
    // at Information a stranger resetting connections in a loop wrote a line for each.
    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "SMTP {ConnectionId} closed: {Reason}")]
    public static partial void Closed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "SMTP {ConnectionId} closed: {Setting} ({Deadline}) passed")]
    public static partial void DeadlinePassed(ILogger logger, string connectionId, string setting, TimeSpan deadline);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Relay: queue message {QueueId} to {Recipient}: {Outcome}")]
    public static partial void RelayOutcome(ILogger logger, long queueId, string recipient, string outcome);

    [LoggerMessage(EventId = 111, Level = LogLevel.Warning, Message = "Relay: the upstream {Host}:{Port} is unreachable; {Count} recipients wait")]
    public static partial void UpstreamUnreachable(ILogger logger, string host, int port, int count, Exception exception);

    [LoggerMessage(EventId = 112, Level = LogLevel.Information, Message = "Relay: the upstream answers again; retrying {Count} recipients now")]
    public static partial void UpstreamBack(ILogger logger, int count);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "Relay: queue message {QueueId} finished; delivery status notification to <{Sender}>: {Report}")]
    public static partial void Finished(ILogger logger, long queueId, string sender, string report);

    [LoggerMessage(EventId = 114, Level = LogLevel.Warning, Message = "Relay: {Count} attempts interrupted by a stop or crash are queued again")]
    public static partial void Requeued(ILogger logger, int count);

    [LoggerMessage(EventId = 115, Level = LogLevel.Error, Message = "Relay: the queue runner failed; retrying")]
    public static partial void RunnerFailed(ILogger logger, Exception exception);
}
