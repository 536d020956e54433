namespace EdgeMail.Net;

/// <summary>How an endpoint uses TLS.</summary>
public enum TlsMode
{
    /// <summary>Plaintext at first; the protocol may upgrade with STARTTLS (RFC 3207, RFC 2595).</summary>
    None,

    /// <summary>The TLS handshake comes before any protocol byte (RFC 8314 §3: ports 465, 993, 995).</summary>
    Implicit,
}
