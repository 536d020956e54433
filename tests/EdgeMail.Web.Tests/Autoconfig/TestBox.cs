using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeMail.Web.Tests.Autoconfig;

/// <summary>A box as the documents see it: its ports, domains, certificates, and a request to it.</summary>
internal static class TestBox
{
    public static readonly MailPorts AllPorts = new(Imap: 143, ImapTls: 993, Pop3: 110, Pop3Tls: 995, Submission: 587, SubmissionTls: 465);

    public static MailClientSettings Settings(string? address = "alice@example.org", MailPorts? ports = null, string host = "mail.example.org") =>
        new(host, address, MailClientSettings.DefaultDisplayName, ["example.org", "example.net"], MailClientSettings.ServersOf(ports ?? AllPorts));

    /// <summary>A request for <paramref name="host"/> with the page's services: Web options, the box's info and certificates.</summary>
    public static HttpContext Request(string host, WebOptions? options = null, MailPorts? ports = null, byte[]? authority = null)
    {
        var services = new ServiceCollection()
            .AddSingleton(options ?? new WebOptions())
            .AddSingleton<IBoxInfo>(new Info(ports ?? AllPorts))
            .AddSingleton<IBoxCertificates>(new Certificates(authority))
            .BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Host = new HostString(host);
        return context;
    }

    /// <summary>A small self-signed CA certificate's DER, as the CA work will give it.</summary>
    public static byte[] AuthorityDer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=EdgeMail test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.Export(X509ContentType.Cert);
    }

    private sealed class Info(MailPorts ports) : IBoxInfo
    {
        public string Version => "test";

        public DateTimeOffset StartedAt => DateTimeOffset.UnixEpoch;

        public IReadOnlyList<string> Domains => ["example.org", "example.net"];

        public IReadOnlyList<ServiceListener> GetMailListeners() => [];

        public StorageUse GetStorage() => new(0, null, 0);

        public MailPorts GetMailPorts() => ports;
    }

    private sealed class Certificates(byte[]? authority) : IBoxCertificates
    {
        public X509Certificate2 ServerCertificate => throw new NotSupportedException();

        public string ServerFingerprint => "00";

        public byte[]? AuthorityDer => authority;

        public string? AuthorityFingerprint => authority is null ? null : Convert.ToHexString(SHA256.HashData(authority));
    }
}
