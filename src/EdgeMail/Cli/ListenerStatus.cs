namespace EdgeMail.Cli;

/// <summary>One socket the running service has bound: protocol name, address, port and how TLS is offered.</summary>
internal sealed class ListenerStatus
{
    public string Protocol { get; set; } = "";

    public string Address { get; set; } = "";

    public int Port { get; set; }

    /// <summary>"implicit" (TLS from the first byte) or "starttls" (plain, upgraded on request).</summary>
    public string Tls { get; set; } = "";
}
