namespace EdgeMail.Configuration;

/// <summary>
/// The listening port of the web interface, not yet in its own project (section Web). Port 0 disables it. Nothing
/// listens on it until the web project lands, so `status` does not list it.
/// The default is unprivileged (above 1024) so that `edgemail serve` runs as any user; the appliance's
/// firmware-config/edgemail.json sets the standard port.
/// </summary>
public sealed class WebOptions
{
    public int Port { get; set; } = 8080;
}
