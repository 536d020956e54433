using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Net.Tests;

public sealed class CertificateProviderTests : IDisposable
{
    private readonly TempFolder _data = new();

    private string CertificateFile => Path.Combine(_data.Path, "tls", CertificateProvider.GeneratedCertificateFileName);

    private string KeyFile => Path.Combine(_data.Path, "tls", CertificateProvider.GeneratedKeyFileName);

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Generated_certificate_is_ECDSA_P256_for_server_auth_issued_by_the_box_CA_for_397_days()
    {
        using var provider = new CertificateProvider(new TlsOptions(), _data.Path, lanAddresses: () => [IPAddress.Parse("192.168.1.20")]);
        var certificate = provider.Certificate;

        Assert.True(provider.IsGenerated);
        Assert.True(certificate.HasPrivateKey);
        using (var key = certificate.GetECDsaPublicKey())
        {
            Assert.NotNull(key);
            Assert.Equal(256, key.KeySize);
        }
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages;
        Assert.Contains(usages.Cast<Oid>(), oid => oid.Value == "1.3.6.1.5.5.7.3.1");
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        string host = Dns.GetHostName().ToLowerInvariant();
        Assert.Contains("localhost", names.EnumerateDnsNames());
        Assert.Contains("edgemail.local", names.EnumerateDnsNames());
        Assert.Contains(host, names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback, IPAddress.Parse("192.168.1.20")], names.EnumerateIPAddresses());
        Assert.Equal("CN=" + host, certificate.Subject);
        Assert.Equal(provider.Authority!.Subject, certificate.Issuer);
        Assert.InRange(certificate.NotAfter - certificate.NotBefore, TimeSpan.FromDays(396.9), TimeSpan.FromDays(397.1));
        Assert.Equal(Path.GetFullPath(CertificateFile), provider.CertificatePath);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Generated_key_file_is_readable_by_the_owner_only()
    {
        using var provider = new CertificateProvider(new TlsOptions(), _data.Path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(KeyFile)!, "*.tmp"));
    }

    [Fact]
    public void Second_start_reuses_the_generated_certificate()
    {
        string first;
        using (var provider = new CertificateProvider(new TlsOptions(), _data.Path))
        {
            first = provider.Sha256Fingerprint;
        }
        var written = File.GetLastWriteTimeUtc(KeyFile);

        using var again = new CertificateProvider(new TlsOptions(), _data.Path);

        Assert.Equal(first, again.Sha256Fingerprint);
        Assert.True(again.Certificate.HasPrivateKey);
        Assert.Equal(written, File.GetLastWriteTimeUtc(KeyFile));
    }

    [Fact]
    public void Fingerprint_is_the_SHA256_of_the_certificate_as_openssl_prints_it()
    {
        using var provider = new CertificateProvider(new TlsOptions(), _data.Path);

        Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", provider.Sha256Fingerprint);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(provider.Certificate.RawData)), provider.Sha256Fingerprint.Replace(":", ""));
        string openssl = RunOpenSsl("x509", "-noout", "-fingerprint", "-sha256", "-in", CertificateFile);
        Assert.Equal(provider.Sha256Fingerprint, openssl[(openssl.IndexOf('=', StringComparison.Ordinal) + 1)..]);
    }

    [Fact]
    public void ReadFingerprint_returns_null_before_generation_and_creates_nothing()
    {
        Assert.Null(CertificateProvider.ReadFingerprint(new TlsOptions(), _data.Path));
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "tls")));

        using var provider = new CertificateProvider(new TlsOptions(), _data.Path);

        Assert.Equal(provider.Sha256Fingerprint, CertificateProvider.ReadFingerprint(new TlsOptions(), _data.Path));
    }

    [Fact]
    public void Configured_PEM_pair_is_loaded_instead_of_generating()
    {
        using var source = new TempFolder();
        string expected;
        using (var generated = new CertificateProvider(new TlsOptions(), source.Path))
        {
            expected = generated.Sha256Fingerprint;
        }
        var options = new TlsOptions
        {
            CertificatePath = Path.Combine(source.Path, "tls", CertificateProvider.GeneratedCertificateFileName),
            KeyPath = Path.Combine(source.Path, "tls", CertificateProvider.GeneratedKeyFileName),
        };

        using var provider = new CertificateProvider(options, _data.Path);

        Assert.False(provider.IsGenerated);
        Assert.Equal(expected, provider.Sha256Fingerprint);
        Assert.True(provider.Certificate.HasPrivateKey);
        Assert.False(Directory.Exists(Path.Combine(_data.Path, "tls")));
        Assert.Equal(expected, CertificateProvider.ReadFingerprint(options, _data.Path));
        // A configured certificate wins: no CA is made or offered.
        Assert.Null(provider.Authority);
        Assert.Null(provider.AuthoritySha256Fingerprint);
        Assert.Null(provider.AuthorityDer);
        Assert.Null(provider.AuthorityPem);
        Assert.Null(CertificateProvider.ReadAuthorityFingerprint(options, source.Path));
    }

    [Fact]
    public void Configured_full_chain_file_loads_the_leaf_first()
    {
        using var leafFolder = new TempFolder();
        using var otherFolder = new TempFolder();
        using var leaf = new CertificateProvider(new TlsOptions(), leafFolder.Path);
        using var other = new CertificateProvider(new TlsOptions(), otherFolder.Path);
        string chainFile = Path.Combine(_data.Path, "fullchain.pem");
        File.WriteAllText(chainFile, leaf.Certificate.ExportCertificatePem() + "\n" + other.Certificate.ExportCertificatePem() + "\n");

        using var provider = new CertificateProvider(
            new TlsOptions { CertificatePath = chainFile, KeyPath = Path.Combine(leafFolder.Path, "tls", CertificateProvider.GeneratedKeyFileName) },
            _data.Path);

        Assert.Equal(leaf.Sha256Fingerprint, provider.Sha256Fingerprint);
    }

    [Fact]
    public void Missing_key_file_fails_with_one_line_naming_Tls_KeyPath()
    {
        using (new CertificateProvider(new TlsOptions(), _data.Path))
        {
        }
        var options = new TlsOptions { CertificatePath = CertificateFile, KeyPath = Path.Combine(_data.Path, "nope.pem") };

        var error = Assert.Throws<TlsCertificateException>(() => new CertificateProvider(options, _data.Path));

        Assert.StartsWith("Tls:KeyPath: ", error.Message);
        Assert.Contains("nope.pem", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Key_of_another_certificate_fails_naming_Tls_KeyPath()
    {
        using var otherFolder = new TempFolder();
        using (new CertificateProvider(new TlsOptions(), _data.Path))
        using (new CertificateProvider(new TlsOptions(), otherFolder.Path))
        {
        }
        var options = new TlsOptions
        {
            CertificatePath = CertificateFile,
            KeyPath = Path.Combine(otherFolder.Path, "tls", CertificateProvider.GeneratedKeyFileName),
        };

        var error = Assert.Throws<TlsCertificateException>(() => new CertificateProvider(options, _data.Path));

        Assert.StartsWith("Tls:KeyPath: ", error.Message);
    }

    [Fact]
    public void Certificate_path_without_key_path_fails_naming_Tls_KeyPath()
    {
        var options = new TlsOptions { CertificatePath = "/etc/ssl/mail.pem" };

        var error = Assert.Throws<TlsCertificateException>(() => new CertificateProvider(options, _data.Path));

        Assert.Equal("Tls:KeyPath is required when Tls:CertificatePath is set.", error.Message);
    }

    [Fact]
    public void Missing_configured_certificate_fails_naming_Tls_CertificatePath()
    {
        var options = new TlsOptions { CertificatePath = Path.Combine(_data.Path, "cert.pem"), KeyPath = Path.Combine(_data.Path, "key.pem") };

        var error = Assert.Throws<TlsCertificateException>(() => new CertificateProvider(options, _data.Path));

        Assert.StartsWith("Tls:CertificatePath: ", error.Message);
    }

    [Fact]
    public void Half_written_generated_pair_is_replaced_and_the_new_fingerprint_logged()
    {
        string first;
        using (var provider = new CertificateProvider(new TlsOptions(), _data.Path))
        {
            first = provider.Sha256Fingerprint;
        }
        File.Delete(CertificateFile);
        var logs = new CollectingLoggerFactory();

        using var replaced = new CertificateProvider(new TlsOptions(), _data.Path, logs.CreateLogger<CertificateProvider>());

        Assert.NotEqual(first, replaced.Sha256Fingerprint);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("unusable", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.Message.Contains(replaced.Sha256Fingerprint, StringComparison.Ordinal));
    }

    [Fact]
    public void Old_self_signed_pair_migrates_once_to_a_CA_issued_certificate_and_both_fingerprints_are_logged()
    {
        string old = WriteOldSelfSignedPair();
        var logs = new CollectingLoggerFactory();

        string migrated;
        using (var provider = new CertificateProvider(new TlsOptions(), _data.Path, logs.CreateLogger<CertificateProvider>()))
        {
            migrated = provider.Sha256Fingerprint;
            Assert.NotEqual(old, migrated);
            Assert.NotNull(provider.Authority);
            Assert.True(File.Exists(Path.Combine(_data.Path, "tls", CertificateProvider.AuthorityCertificateFileName)));
            using var chain = Certificates.LocalAuthorityTests.TrustingOnly(provider.Authority);
            Assert.True(chain.Build(provider.Certificate));
            Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(old, StringComparison.Ordinal)
                && e.Message.Contains(migrated, StringComparison.Ordinal) && e.Message.Contains(provider.AuthoritySha256Fingerprint!, StringComparison.Ordinal));
        }

        var again = new CollectingLoggerFactory();
        using var restarted = new CertificateProvider(new TlsOptions(), _data.Path, again.CreateLogger<CertificateProvider>());
        Assert.Equal(migrated, restarted.Sha256Fingerprint);
        Assert.DoesNotContain(again.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public void Half_written_CA_pair_is_replaced_and_the_server_certificate_reissued_from_the_new_CA()
    {
        string firstAuthority;
        using (var provider = new CertificateProvider(new TlsOptions(), _data.Path))
        {
            firstAuthority = provider.AuthoritySha256Fingerprint!;
        }
        File.Delete(Path.Combine(_data.Path, "tls", CertificateProvider.AuthorityCertificateFileName));
        var logs = new CollectingLoggerFactory();

        using var replaced = new CertificateProvider(new TlsOptions(), _data.Path, logs.CreateLogger<CertificateProvider>());

        Assert.NotEqual(firstAuthority, replaced.AuthoritySha256Fingerprint);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("CA", StringComparison.Ordinal) && e.Message.Contains("unusable", StringComparison.Ordinal));
        using var chain = Certificates.LocalAuthorityTests.TrustingOnly(replaced.Authority!);
        Assert.True(chain.Build(replaced.Certificate));
    }

    // What EdgeMail generated before it had a CA: a self-signed leaf kept in the same two files.
    private string WriteOldSelfSignedPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + Dns.GetHostName().ToLowerInvariant(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(3652));
        Directory.CreateDirectory(Path.GetDirectoryName(CertificateFile)!);
        File.WriteAllText(KeyFile, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(CertificateFile, certificate.ExportCertificatePem());
        return CertificateProvider.FormatFingerprint(certificate);
    }

    private static string RunOpenSsl(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("openssl is not installed (apt install openssl).", ex);
        }
        using (process)
        {
            string output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(10_000));
            Assert.Equal(0, process.ExitCode);
            return output.Trim();
        }
    }
}
