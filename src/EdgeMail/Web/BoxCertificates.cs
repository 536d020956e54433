using System.Security.Cryptography.X509Certificates;
using EdgeMail.Net;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web;

/// <summary>The host's side of <see cref="IBoxCertificates"/>, over Net's certificate provider (read per call: a renewal shows at once).</summary>
internal sealed class BoxCertificates(CertificateProvider provider) : IBoxCertificates
{
    public X509Certificate2 ServerCertificate => provider.Certificate;

    public string ServerFingerprint => provider.Sha256Fingerprint;

    public byte[]? AuthorityDer => provider.AuthorityDer;

    public string? AuthorityFingerprint => provider.AuthoritySha256Fingerprint;
}
