using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeMail.Shared.Interop;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Net;

/// <summary>
/// The server certificate: the PEM pair of <see cref="TlsOptions"/> when configured, otherwise a self-signed
/// certificate generated once into <c>&lt;data&gt;/tls/</c> and reused, so the fingerprint users accept in their
/// mail clients stays the same across restarts. Loaded when constructed, so a bad file fails the start.
/// </summary>
public sealed class CertificateProvider : IDisposable
{
    public const string GeneratedCertificateFileName = "edgemail.crt.pem";
    public const string GeneratedKeyFileName = "edgemail.key.pem";
    private const string TlsFolderName = "tls";

    // Long enough that an appliance never needs renewing; users accept the fingerprint once. (Browsers cap
    // publicly trusted certificates at 398 days, but that rule is for the Web PKI, not self-signed mail servers.)
    private static readonly TimeSpan GeneratedValidity = TimeSpan.FromDays(3652);
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    private readonly ILogger _logger;

    public CertificateProvider(TlsOptions options, string dataDirectory, ILogger<CertificateProvider>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _logger = logger ?? NullLogger<CertificateProvider>.Instance;
        var time = timeProvider ?? TimeProvider.System;

        X509Certificate2Collection? chain = null;
        if (IsConfigured(options))
        {
            (Certificate, chain) = LoadConfigured(options);
            CertificatePath = Path.GetFullPath(options.CertificatePath!);
            Sha256Fingerprint = FormatFingerprint(Certificate);
            _logger.CertificateLoaded(CertificatePath, Sha256Fingerprint, Certificate.NotAfter);
        }
        else
        {
            var folder = Path.Combine(dataDirectory, TlsFolderName);
            CertificatePath = Path.GetFullPath(Path.Combine(folder, GeneratedCertificateFileName));
            Certificate = LoadOrGenerate(folder, time);
            IsGenerated = true;
            Sha256Fingerprint = FormatFingerprint(Certificate);
        }

        var now = time.GetUtcNow();
        if (Certificate.NotAfter.ToUniversalTime() < now)
        {
            _logger.CertificateExpired(CertificatePath, Certificate.NotAfter);
        }
        else if (Certificate.NotAfter.ToUniversalTime() < now + ExpiryWarning)
        {
            _logger.CertificateExpiring(CertificatePath, Certificate.NotAfter);
        }

        // Built once: the chain is resolved here rather than per handshake. Offline, because an appliance may
        // start without Internet access and must not stall fetching intermediates.
        Context = SslStreamCertificateContext.Create(Certificate, chain, offline: true);
    }

    /// <summary>The server certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate, as <c>openssl x509 -fingerprint -sha256</c> prints it ("AB:CD:…").</summary>
    public string Sha256Fingerprint { get; }

    /// <summary>The file the certificate came from.</summary>
    public string CertificatePath { get; }

    /// <summary>The certificate is EdgeMail's own self-signed one rather than a configured one.</summary>
    public bool IsGenerated { get; }

    internal SslStreamCertificateContext Context { get; }

    /// <summary>
    /// The fingerprint of the certificate the server would use, read from disk without generating anything
    /// (for <c>edgemail status</c>); null when there is no certificate file yet.
    /// </summary>
    public static string? ReadFingerprint(TlsOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool configured = IsConfigured(options);
        string path = configured
            ? options.CertificatePath!
            : Path.Combine(dataDirectory, TlsFolderName, GeneratedCertificateFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            return FormatFingerprint(certificate);
        }
        catch (CryptographicException ex)
        {
            throw new TlsCertificateException($"{(configured ? "Tls:CertificatePath" : "TLS certificate")}: '{path}' holds no readable PEM certificate ({ex.Message}).", ex);
        }
    }

    /// <summary>Formats the SHA-256 fingerprint as uppercase hex pairs separated by colons.</summary>
    public static string FormatFingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] hash = certificate.GetCertHash(HashAlgorithmName.SHA256);
        return string.Create(hash.Length * 3 - 1, hash, static (span, hash) =>
        {
            for (int i = 0; i < hash.Length; i++)
            {
                if (i > 0)
                {
                    span[i * 3 - 1] = ':';
                }
                hash[i].TryFormat(span.Slice(i * 3, 2), out _, "X2");
            }
        });
    }

    public void Dispose() => Certificate.Dispose();

    private static bool IsConfigured(TlsOptions options) =>
        !string.IsNullOrWhiteSpace(options.CertificatePath) || !string.IsNullOrWhiteSpace(options.KeyPath);

    private static (X509Certificate2, X509Certificate2Collection) LoadConfigured(TlsOptions options)
    {
        string certificatePath = options.CertificatePath ?? "";
        string keyPath = options.KeyPath ?? "";
        if (string.IsNullOrWhiteSpace(certificatePath))
        {
            throw new TlsCertificateException("Tls:CertificatePath is required when Tls:KeyPath is set.");
        }
        if (string.IsNullOrWhiteSpace(keyPath))
        {
            throw new TlsCertificateException("Tls:KeyPath is required when Tls:CertificatePath is set.");
        }
        if (!File.Exists(certificatePath))
        {
            throw new TlsCertificateException($"Tls:CertificatePath: '{certificatePath}' does not exist.");
        }
        if (!File.Exists(keyPath))
        {
            throw new TlsCertificateException($"Tls:KeyPath: '{keyPath}' does not exist.");
        }

        // A fullchain.pem (Let's Encrypt and others) has the leaf first, then the intermediates, which the
        // handshake must send because mail clients do not fetch missing intermediates.
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPemFile(certificatePath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new TlsCertificateException($"Tls:CertificatePath: cannot read '{certificatePath}' ({ex.Message}).", ex);
        }
        if (chain.Count == 0)
        {
            throw new TlsCertificateException($"Tls:CertificatePath: '{certificatePath}' holds no PEM certificate.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsCertificateException(
                $"Tls:KeyPath: '{keyPath}' is not an unencrypted PEM private key matching Tls:CertificatePath ({ex.Message}).", ex);
        }

        chain[0].Dispose();
        chain.RemoveAt(0);
        return (certificate, chain);
    }

    private X509Certificate2 LoadOrGenerate(string folder, TimeProvider time)
    {
        string certificatePath = Path.Combine(folder, GeneratedCertificateFileName);
        string keyPath = Path.Combine(folder, GeneratedKeyFileName);
        bool hasCertificate = File.Exists(certificatePath);
        bool hasKey = File.Exists(keyPath);
        if (hasCertificate && hasKey)
        {
            try
            {
                var existing = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                _logger.CertificateLoaded(certificatePath, FormatFingerprint(existing), existing.NotAfter);
                return existing;
            }
            catch (CryptographicException ex)
            {
                // Only our own files can be here; a half-written pair (a crash between the two renames) is
                // replaced rather than left to stop the server. The new fingerprint is logged.
                _logger.GeneratedCertificateUnusable(certificatePath, ex.Message);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new TlsCertificateException($"TLS certificate: cannot read '{certificatePath}' or '{keyPath}' ({ex.Message}).", ex);
            }
        }
        else if (hasCertificate || hasKey)
        {
            _logger.GeneratedCertificateUnusable(certificatePath, "one of the certificate and key files is missing");
        }

        try
        {
            Generate(folder, certificatePath, keyPath, time);
            var generated = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            _logger.CertificateGenerated(certificatePath, FormatFingerprint(generated), generated.NotAfter);
            return generated;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsCertificateException($"TLS certificate: cannot create a self-signed certificate in '{folder}' ({ex.Message}).", ex);
        }
    }

    private static void Generate(string folder, string certificatePath, string keyPath, TimeProvider time)
    {
        string host = Dns.GetHostName().ToLowerInvariant();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(host);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // RFC 6125 §6.4.4: clients match the SAN, not the CN. Names a user may type: the host name, its mDNS
        // name (Raspberry Pi OS answers to "<host>.local"), and loopback.
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in new[] { host, host.Contains('.', StringComparison.Ordinal) ? null : host + ".local", "localhost" }.Distinct())
        {
            if (name is not null && IsDnsName(name))
            {
                names.AddDnsName(name);
            }
        }
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());

        // A day back: a Raspberry Pi has no clock battery, and its clock may run behind its clients' until NTP syncs.
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.Add(GeneratedValidity));

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Key first: a crash between the renames leaves a new key with no certificate, which the next start sees
        // as an unusable pair and replaces, never an old certificate served with a key that does not match.
        WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteAtomically(certificatePath, certificate.ExportCertificatePem(),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        DirectoryFsync.Flush(folder);
    }

    // Temporary file in the same folder (so the rename is atomic), created with its final mode (so the key is
    // never readable by others, not even briefly), flushed to disk, then renamed over the target.
    private static void WriteAtomically(string path, string contents, UnixFileMode mode)
    {
        string temporary = path + ".tmp";
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }
        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(contents));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static bool IsDnsName(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label => label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'));
}
