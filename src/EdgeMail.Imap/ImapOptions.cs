namespace EdgeMail.Imap;

/// <summary>The IMAP server, bound from the "Imap" section. Port 0 disables a listener.</summary>
public sealed class ImapOptions
{
    public const string SectionName = "Imap";

    /// <summary>Plain IMAP with STARTTLS (RFC 9051 §6.2.1). Unprivileged by default; the appliance uses 143.</summary>
    public int Port { get; set; } = 1143;

    /// <summary>Implicit TLS (RFC 8314 §3.3). Unprivileged by default; the appliance uses 993.</summary>
    public int TlsPort { get; set; } = 1993;
}
