using System.Security.Cryptography.X509Certificates;

namespace EdgeMail.Web.Hosting;

/// <summary>
/// The box's TLS certificates as the page needs them (the host adapts Net's certificate provider): the current server
/// certificate for Kestrel's HTTPS, picked per handshake so that a renewal needs no restart, and the box's own CA for
/// <c>/ca.crt</c> and the Apple profile. The CA members are null when a configured certificate (Tls:CertificatePath) is
/// used instead.
/// </summary>
public interface IBoxCertificates
{
    /// <summary>The server certificate now, with its private key.</summary>
    X509Certificate2 ServerCertificate { get; }

    /// <summary>SHA-256 of <see cref="ServerCertificate"/>, "AB:CD:..." as <c>openssl x509 -fingerprint -sha256</c> prints it.</summary>
    string ServerFingerprint { get; }

    /// <summary>The CA certificate in DER, or null.</summary>
    byte[]? AuthorityDer { get; }

    /// <summary>SHA-256 of the CA certificate, or null.</summary>
    string? AuthorityFingerprint { get; }
}
