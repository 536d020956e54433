using EdgeMail.Auth.Login;
using EdgeMail.Net;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Session;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Smtp;

/// <summary>
/// The SMTP server side of one connection (RFC 5321), for the three endpoints: "smtp" (LAN intake, STARTTLS offered),
/// "submission" (RFC 6409: AUTH required) and "submissions" (RFC 8314 implicit TLS, AUTH required).
/// </summary>
public sealed class SmtpConnectionHandler : IConnectionHandler
{
    /// <summary>Endpoint names that are message submission (RFC 6409 §4.3, RFC 8314 §3.3): AUTH before MAIL.</summary>
    public static readonly IReadOnlySet<string> SubmissionEndpoints = new HashSet<string>(StringComparer.Ordinal) { "submission", "submissions" };

    private readonly SmtpOptions _options;
    private readonly RelayPolicy _policy;
    private readonly MailIntake _intake;
    private readonly Authenticator _authenticator;
    private readonly TimeProvider _time;
    private readonly ILogger<SmtpConnectionHandler> _logger;
    private readonly string _hostName;

    public SmtpConnectionHandler(SmtpOptions options, RelayPolicy policy, MailIntake intake, Authenticator authenticator, TimeProvider time, ILogger<SmtpConnectionHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _policy = policy;
        _intake = intake;
        _authenticator = authenticator;
        _time = time;
        _logger = logger;
        _hostName = options.EffectiveHostName;
    }

    public Task RunAsync(MailConnection connection, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var session = new SmtpSession(
            connection,
            _options,
            _policy,
            _intake,
            _authenticator,
            _time,
            _logger,
            _hostName,
            requireAuth: SubmissionEndpoints.Contains(connection.EndpointName));
        return session.RunAsync(stopping);
    }

    /// <summary>RFC 5321 §3.8: 421 when a limit refuses the connection.</summary>
    public async Task RejectAsync(MailConnection connection, RejectReason reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await connection.Output.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"421 4.7.0 {_hostName} Too many connections, try again later\r\n"), cancellationToken).ConfigureAwait(false);
        await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
