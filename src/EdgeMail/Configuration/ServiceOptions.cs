namespace EdgeMail.Configuration;

/// <summary>
/// The listening ports of the protocols not yet in their own project (sections Smtp, Web). Port 0 disables a listener.
/// The defaults are unprivileged (above 1024) so that `edgemail serve` runs as any user; the appliance's
/// firmware-config/edgemail.json sets the standard ports.
/// </summary>
public sealed class SmtpOptions
{
    public int Port { get; set; } = 2525;

    public int SubmissionPort { get; set; } = 1587;

    public int TlsPort { get; set; } = 1465;
}

public sealed class WebOptions
{
    public int Port { get; set; } = 8080;
}
