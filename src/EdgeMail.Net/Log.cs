using System.Net;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net;

// Source-generated log messages (no boxing, no reflection). Payloads are never logged: only ids, endpoints,
// counts and exception types from the transport.
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "{Endpoint} listening on {LocalEndPoint} (TLS: {TlsMode})")]
    public static partial void Listening(this ILogger logger, string endpoint, IPEndPoint localEndPoint, TlsMode tlsMode);

    [LoggerMessage(2, LogLevel.Information, "{Endpoint} stopped listening")]
    public static partial void StoppedListening(this ILogger logger, string endpoint);

    [LoggerMessage(3, LogLevel.Warning, "{Endpoint}: accepting a connection failed; retrying")]
    public static partial void AcceptFailed(this ILogger logger, string endpoint, Exception exception);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} from {Remote} accepted on {Endpoint}")]
    public static partial void ConnectionAccepted(this ILogger logger, string connectionId, IPEndPoint remote, string endpoint);

    [LoggerMessage(5, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(this ILogger logger, string connectionId);

    [LoggerMessage(6, LogLevel.Warning, "Connection from {Remote} to {Endpoint} refused: {Reason}")]
    public static partial void ConnectionRejected(this ILogger logger, IPEndPoint remote, string endpoint, RejectReason reason);

    [LoggerMessage(7, LogLevel.Debug, "Connection {ConnectionId}: TLS handshake failed")]
    public static partial void TlsHandshakeFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(8, LogLevel.Debug, "Connection {ConnectionId} ended by the transport ({ExceptionType})")]
    public static partial void ConnectionEndedByTransport(this ILogger logger, string connectionId, string exceptionType);

    [LoggerMessage(9, LogLevel.Error, "Connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "{Endpoint}: {Count} connection(s) still open after the drain timeout of {DrainTimeout}; aborting them")]
    public static partial void AbortingConnections(this ILogger logger, string endpoint, int count, TimeSpan drainTimeout);

    [LoggerMessage(11, LogLevel.Warning, "{Endpoint}: {Count} connection handler(s) did not end after their sockets were closed; stopping without them")]
    public static partial void HandlersStuck(this ILogger logger, string endpoint, int count);

    [LoggerMessage(12, LogLevel.Debug, "Connection {ConnectionId}: refusing it failed")]
    public static partial void RejectFailed(this ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "Connection {ConnectionId} from {Remote} dropped: the client took no data for {SendTimeout} (Network:SendTimeout)")]
    public static partial void SendTimedOut(this ILogger logger, string connectionId, IPEndPoint remote, TimeSpan sendTimeout);

    [LoggerMessage(14, LogLevel.Warning, "{Count} more connection(s) from {Address} refused in the last {Seconds} s (the last to {Endpoint}: {Reason})")]
    public static partial void ConnectionsRejectedSummary(this ILogger logger, int count, IPAddress address, double seconds, string endpoint, string reason);

    [LoggerMessage(15, LogLevel.Warning, "Connection {ConnectionId} from {Remote} to {Endpoint} sent data after STARTTLS before the handshake; closed (CVE-2011-0411)")]
    public static partial void StartTlsInjection(this ILogger logger, string connectionId, IPEndPoint remote, string endpoint);

    [LoggerMessage(16, LogLevel.Warning, "{Count} more STARTTLS injection(s) (CVE-2011-0411) from {Address} in the last {Seconds} s (the last to {Endpoint})")]
    public static partial void StartTlsInjectionsSummary(this ILogger logger, int count, IPAddress address, double seconds, string endpoint);

    [LoggerMessage(17, LogLevel.Warning, "{Count} refused connection(s) and STARTTLS injection(s) in {Seconds} s from beyond the {Max} addresses tracked, not logged one by one")]
    public static partial void ClientEventsOverflow(this ILogger logger, long count, double seconds, int max);

    [LoggerMessage(20, LogLevel.Information, "TLS certificate {Path} loaded, SHA-256 fingerprint {Fingerprint}, valid until {NotAfter:u}")]
    public static partial void CertificateLoaded(this ILogger logger, string path, string fingerprint, DateTime notAfter);

    // 21 was "self-signed certificate generated", before the box had its own CA.

    [LoggerMessage(22, LogLevel.Warning, "TLS certificate {Path} is unusable ({Reason}); issuing a new one from the box's CA")]
    public static partial void GeneratedCertificateUnusable(this ILogger logger, string path, string reason);

    [LoggerMessage(23, LogLevel.Error, "TLS certificate {Path} expired on {NotAfter:u}; clients will refuse it")]
    public static partial void CertificateExpired(this ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(24, LogLevel.Warning, "TLS certificate {Path} expires on {NotAfter:u}")]
    public static partial void CertificateExpiring(this ILogger logger, string path, DateTime notAfter);

    [LoggerMessage(25, LogLevel.Information, "TLS: the box's CA {Path} loaded, SHA-256 fingerprint {Fingerprint}, valid until {NotAfter:u}")]
    public static partial void AuthorityLoaded(this ILogger logger, string path, string fingerprint, DateTime notAfter);

    [LoggerMessage(26, LogLevel.Information, "TLS: the box's own CA created at {Path}, SHA-256 fingerprint {Fingerprint}, valid until {NotAfter:u}, for the names {Names} only; clients trust it once")]
    public static partial void AuthorityCreated(this ILogger logger, string path, string fingerprint, DateTime notAfter, string names);

    [LoggerMessage(27, LogLevel.Warning, "TLS: the box's CA {Path} is unusable ({Reason}); creating a new one, which clients must trust again")]
    public static partial void AuthorityUnusable(this ILogger logger, string path, string reason);

    [LoggerMessage(28, LogLevel.Information, "TLS certificate {Path} issued by the box's CA ({Reason}), SHA-256 fingerprint {Fingerprint}, valid until {NotAfter:u}, for {Names}")]
    public static partial void CertificateIssued(this ILogger logger, string path, string fingerprint, DateTime notAfter, string reason, string names);

    [LoggerMessage(29, LogLevel.Warning, "TLS: the certificate clients accepted (SHA-256 {OldFingerprint}) is replaced by {NewFingerprint}, issued by the box's CA {AuthorityFingerprint}; trust the CA once (see the README) or accept the new fingerprint")]
    public static partial void CertificateMigrated(this ILogger logger, string oldFingerprint, string newFingerprint, string authorityFingerprint);

    [LoggerMessage(30, LogLevel.Error, "TLS certificate {Path} could not be renewed; the current one keeps serving and the next check tries again")]
    public static partial void RenewalFailed(this ILogger logger, string path, Exception exception);

    [LoggerMessage(31, LogLevel.Warning, "TLS: the host name {HostName} is outside the names the box's CA may sign for ({Permitted}); the certificate leaves it out")]
    public static partial void HostNameNotPermitted(this ILogger logger, string hostName, string permitted);
}
