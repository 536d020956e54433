namespace EdgeMail.Pop3;

/// <summary>The POP3 server, bound from the "Pop3" section. Port 0 disables a listener.</summary>
public sealed class Pop3Options
{
    public const string SectionName = "Pop3";

    /// <summary>Plain POP3 with STLS (RFC 2595 §4). Unprivileged by default; the appliance uses 110.</summary>
    public int Port { get; set; } = 1110;

    /// <summary>Implicit TLS (RFC 8314 §3.3). Unprivileged by default; the appliance uses 995.</summary>
    public int TlsPort { get; set; } = 1995;
}
