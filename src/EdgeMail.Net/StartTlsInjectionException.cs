namespace EdgeMail.Net;

/// <summary>
/// Bytes arrived after the STARTTLS command and before the TLS handshake. Had they been kept, they would be
/// processed as if they came over TLS (CVE-2011-0411, RFC 3207 §4.2 / RFC 2595 §3.1 require discarding any
/// state from before the handshake). The caller must close the connection.
/// </summary>
public sealed class StartTlsInjectionException : IOException
{
    public StartTlsInjectionException()
        : base("Plaintext bytes were pipelined after STARTTLS; the connection must be closed.")
    {
    }

    public StartTlsInjectionException(string message) : base(message)
    {
    }

    public StartTlsInjectionException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
