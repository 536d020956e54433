namespace EdgeMail.Net;

/// <summary>
/// The server certificate cannot be loaded or created. The message is one line that names the configuration key
/// (e.g. "Tls:KeyPath: '/etc/edgemail/key.pem' does not exist."), fit to print as is.
/// </summary>
public sealed class TlsCertificateException : Exception
{
    public TlsCertificateException()
    {
    }

    public TlsCertificateException(string message) : base(message)
    {
    }

    public TlsCertificateException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
