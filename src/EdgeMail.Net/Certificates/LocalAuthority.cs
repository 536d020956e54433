using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeMail.Net.Certificates;

/// <summary>
/// The box's own certificate authority: made once, kept in <c>&lt;data&gt;/tls/</c>, and used only to issue the
/// server certificate. Users trust it once (a profile on iOS, an import in Thunderbird), and every renewed server
/// certificate after that is trusted without a warning.
/// </summary>
internal static class LocalAuthority
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    // Ten years: the CA outlives the box's service life; only the server certificate below it renews.
    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(3652);

    // 397 days in all, a day of it back-dated: within the 398 days Apple and the CA/Browser Forum cap server
    // certificates at (Apple "About upcoming limits on trusted certificates", 2020), so no client's policy refuses it.
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(396);

    // A Raspberry Pi has no clock battery, and its clock may run behind its clients' until NTP syncs.
    private static readonly TimeSpan BackDate = TimeSpan.FromDays(1);

    /// <summary>
    /// A self-signed P-256 CA: CA:true with pathlen 0 (it issues only end-entity certificates), keyCertSign and
    /// cRLSign, and a critical name constraint permitting only <paramref name="permittedNames"/>.
    /// </summary>
    public static (string CertificatePem, string KeyPem) CreateAuthority(string hostName, IReadOnlyCollection<string> permittedNames, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"EdgeMail {hostName} local CA");
        subject.AddOrganizationName("EdgeMail");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        // RFC 5280 §4.2.1.9: critical in CA certificates; §4.2.1.3: keyCertSign needs cA true.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(NameConstraints.Create(permittedNames));
        using var certificate = request.CreateSelfSigned(now - BackDate, now + AuthorityValidity);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>
    /// A P-256 server certificate from <paramref name="authority"/> (which must hold its key): serverAuth, the
    /// names and addresses given as SANs, AKI/SKI, for <see cref="ServerValidity"/> or until the CA ends.
    /// </summary>
    public static (string CertificatePem, string KeyPem) IssueServer(
        X509Certificate2 authority, string hostName, IReadOnlyCollection<string> dnsNames, IReadOnlyCollection<IPAddress> addresses, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(dnsNames.FirstOrDefault() ?? hostName.ToLowerInvariant());
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid, "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(names.Build());

        // CertificateRequest.Create refuses a validity outside the issuer's.
        var notBefore = Max(now - BackDate, authority.NotBefore.ToUniversalTime());
        var notAfter = Min(now + ServerValidity, authority.NotAfter.ToUniversalTime());
        // RFC 5280 §4.1.2.2: positive, unique per issuer, at most 20 octets; random, as the CA/B Forum asks (64 bits+).
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        using var certificate = request.Create(authority, notBefore, notAfter, serial);
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>The certificate was issued by <paramref name="authority"/>: same issuer name and key identifier.</summary>
    public static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(authority.SubjectName.RawData))
        {
            return false;
        }
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault();
        var ski = authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault();
        return aki?.KeyIdentifier is { } id && ski?.SubjectKeyIdentifierBytes is { } expected && id.Span.SequenceEqual(expected.Span);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
