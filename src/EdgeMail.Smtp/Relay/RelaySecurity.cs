namespace EdgeMail.Smtp.Relay;

/// <summary>How the connection to the upstream is protected.</summary>
public enum RelaySecurity
{
    /// <summary>Plain SMTP (a relay on the LAN, or tests).</summary>
    None,

    /// <summary>STARTTLS, required (RFC 3207); the usual port 587.</summary>
    StartTls,

    /// <summary>Implicit TLS (RFC 8314 §3.3); the usual port 465.</summary>
    Implicit,
}
