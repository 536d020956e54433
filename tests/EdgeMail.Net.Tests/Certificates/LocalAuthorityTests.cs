using System.Formats.Asn1;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;

namespace EdgeMail.Net.Tests.Certificates;

// The box's CA as a client sees it: its extensions decoded independently of the code that wrote them, and
// chains built by .NET (OpenSSL underneath on Linux) and by the openssl tool, trusting only that CA.
public sealed class LocalAuthorityTests : IDisposable
{
    private static readonly IPAddress LanV4 = IPAddress.Parse("192.168.1.20");
    private static readonly IPAddress LanV6 = IPAddress.Parse("2001:db8::20");
    private readonly TempFolder _data = new();
    private readonly CertificateProvider _provider;

    public LocalAuthorityTests()
    {
        _provider = new CertificateProvider(new TlsOptions(), _data.Path, lanAddresses: () => [LanV4, LanV6]);
    }

    private string Folder => Path.Combine(_data.Path, "tls");

    private string AuthorityFile => Path.Combine(Folder, CertificateProvider.AuthorityCertificateFileName);

    public void Dispose()
    {
        _provider.Dispose();
        _data.Dispose();
    }

    [Fact]
    public void CA_is_a_P256_CA_with_path_length_0_that_only_signs_certificates()
    {
        var ca = _provider.Authority!;
        string host = Dns.GetHostName().ToLowerInvariant();

        Assert.False(ca.HasPrivateKey);
        Assert.Equal($"CN=EdgeMail {host} local CA, O=EdgeMail", ca.Subject);
        Assert.Equal(ca.Subject, ca.Issuer);
        using (var key = ca.GetECDsaPublicKey())
        {
            Assert.Equal(256, key!.KeySize);
        }
        var basic = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.Critical);
        Assert.True(basic.CertificateAuthority);
        Assert.True(basic.HasPathLengthConstraint);
        Assert.Equal(0, basic.PathLengthConstraint);
        var usage = ca.Extensions.OfType<X509KeyUsageExtension>().Single();
        Assert.True(usage.Critical);
        Assert.Equal(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, usage.KeyUsages);
        Assert.NotNull(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());
        Assert.InRange(ca.NotAfter - ca.NotBefore, TimeSpan.FromDays(3650), TimeSpan.FromDays(3660));
        Assert.Equal(CertificateProvider.FormatFingerprint(ca), _provider.AuthoritySha256Fingerprint);
        Assert.Equal(ca.RawData, _provider.AuthorityDer);
        Assert.Equal(ca.RawData, X509Certificate2.CreateFromPem(_provider.AuthorityPem!).RawData);
        Assert.Equal(_provider.AuthoritySha256Fingerprint, CertificateProvider.ReadAuthorityFingerprint(new TlsOptions(), _data.Path));
    }

    [Fact]
    public void CA_name_constraints_are_critical_and_permit_only_the_box_own_DNS_names()
    {
        var extension = _provider.Authority!.Extensions["2.5.29.30"];
        Assert.NotNull(extension);
        Assert.True(extension.Critical);

        // RFC 5280 §4.2.1.10, decoded by hand: SEQUENCE { [0] permittedSubtrees: SEQUENCE OF SEQUENCE { [2] dNSName } }.
        var reader = new AsnReader(extension.RawData, AsnEncodingRules.DER);
        var constraints = reader.ReadSequence();
        Assert.False(reader.HasData);
        var permitted = constraints.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0));
        Assert.False(constraints.HasData); // no excludedSubtrees
        var names = new List<string>();
        while (permitted.HasData)
        {
            var subtree = permitted.ReadSequence();
            var tag = subtree.PeekTag();
            Assert.Equal(new Asn1Tag(TagClass.ContextSpecific, 2), tag); // dNSName only: no iPAddress subtree
            names.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, tag));
            Assert.False(subtree.HasData); // minimum absent (DEFAULT 0), maximum absent
        }

        string host = Dns.GetHostName().ToLowerInvariant();
        string[] expected = host.Contains('.', StringComparison.Ordinal)
            ? [host, "edgemail.local", "localhost"]
            : [.. new[] { host, host + ".local", "edgemail.local", "localhost" }.Distinct()];
        Assert.Equal(expected, names);
    }

    [Fact]
    public void CA_key_file_is_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            File.GetUnixFileMode(Path.Combine(Folder, CertificateProvider.AuthorityKeyFileName)));
        Assert.Empty(Directory.GetFiles(Folder, "*.tmp"));
    }

    [Fact]
    public void Server_certificate_chains_to_the_CA_alone_with_its_IP_addresses_unconstrained()
    {
        var leaf = _provider.Certificate;

        using var chain = TrustingOnly(_provider.Authority!);
        bool built = chain.Build(leaf);

        Assert.True(built, string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation}")));
        Assert.Equal(2, chain.ChainElements.Count);
        Assert.Equal(_provider.Authority!.RawData, chain.ChainElements[1].Certificate.RawData);
        var aki = leaf.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        var ski = _provider.Authority!.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        Assert.Equal(ski.SubjectKeyIdentifierBytes.ToArray(), aki.KeyIdentifier!.Value.ToArray());
        Assert.NotNull(leaf.Extensions.OfType<X509SubjectKeyIdentifierExtension>().SingleOrDefault());
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        foreach (var name in new[] { "localhost", "edgemail.local", "127.0.0.1", "::1", LanV4.ToString(), LanV6.ToString() })
        {
            Assert.True(leaf.MatchesHostname(name), name);
        }
    }

    [Fact]
    public void Certificate_for_a_name_outside_the_constraints_signed_with_the_CA_key_is_refused()
    {
        using var authority = X509Certificate2.CreateFromPemFile(AuthorityFile, Path.Combine(Folder, CertificateProvider.AuthorityKeyFileName));
        using var rogue = IssueWithAuthority(authority, "mail.example.com");

        using var chain = TrustingOnly(_provider.Authority!);
        bool built = chain.Build(rogue);

        Assert.False(built);
        Assert.Contains(chain.ChainStatus, s => s.Status.HasFlag(X509ChainStatusFlags.HasNotPermittedNameConstraint)
            || s.Status.HasFlag(X509ChainStatusFlags.InvalidNameConstraints));
    }

    [Fact]
    public async Task Openssl_verifies_the_server_certificate_by_name_and_address_and_refuses_the_rogue_one()
    {
        string leafFile = Path.Combine(Folder, CertificateProvider.GeneratedCertificateFileName);
        foreach (var check in new[] { new[] { "-verify_hostname", "localhost" }, ["-verify_hostname", "edgemail.local"], ["-verify_ip", "127.0.0.1"], ["-verify_ip", LanV4.ToString()] })
        {
            var (exit, output) = await ExternalTool.RunAsync("openssl", "openssl", ["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", AuthorityFile, .. check, leafFile]);
            Assert.True(exit == 0, $"{string.Join(' ', check)}: {output}");
        }

        using var authority = X509Certificate2.CreateFromPemFile(AuthorityFile, Path.Combine(Folder, CertificateProvider.AuthorityKeyFileName));
        using var rogue = IssueWithAuthority(authority, "mail.example.com");
        string rogueFile = Path.Combine(_data.Path, "rogue.pem");
        File.WriteAllText(rogueFile, rogue.ExportCertificatePem());
        var refused = await ExternalTool.RunAsync("openssl", "openssl", ["verify", "-CAfile", AuthorityFile, rogueFile]);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("permitted subtree violation", refused.Output, StringComparison.Ordinal);
    }

    internal static X509Chain TrustingOnly(X509Certificate2 authority)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        return chain;
    }

    private static X509Certificate2 IssueWithAuthority(X509Certificate2 authority, string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + dnsName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        request.CertificateExtensions.Add(names.Build());
        var now = DateTimeOffset.UtcNow;
        return request.Create(authority, now.AddHours(-1), now.AddDays(30), [0x42, 0x01]);
    }
}
