using System.Net;
using System.Net.NetworkInformation;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeMail.Net.Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeMail.Net;

/// <summary>
/// The server certificate. Configured (<see cref="TlsOptions"/>): that PEM pair, and no CA. Otherwise the box's
/// own small CA, made once into <c>&lt;data&gt;/tls/</c> and limited by name constraints to the box's own DNS
/// names, issues the server certificate, which is renewed before it expires and when the box's addresses change.
/// Listeners read <see cref="Certificate"/> (or the handshake context) per handshake, so a renewal needs no
/// restart. Loaded when constructed, so a bad file fails the start.
/// </summary>
public sealed class CertificateProvider : IDisposable
{
    public const string GeneratedCertificateFileName = "edgemail.crt.pem";
    public const string GeneratedKeyFileName = "edgemail.key.pem";
    public const string AuthorityCertificateFileName = "ca.crt.pem";
    public const string AuthorityKeyFileName = "ca.key.pem";
    private const string TlsFolderName = "tls";

    // Renewed a month ahead, so a box that was off for weeks still renews before clients see an expired one.
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    // How often the addresses and the expiry are looked at; the network-change event, where the platform has
    // one, only makes a change seen sooner.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<IReadOnlyList<IPAddress>> _lanAddresses;
    private readonly Lock _renewal = new();
    private readonly string _folder = "";
    private readonly string _keyPath = "";
    private readonly X509Certificate2? _authorityWithKey;
    private readonly X509Certificate2Collection? _chain;
    private readonly IReadOnlyList<string> _dnsNames = [];
    private readonly ITimer? _timer;
    private readonly bool _watchesNetwork;
    private volatile Issued _current;
    private int _disposed;

    /// <param name="lanAddresses">The box's current LAN addresses (default: the up, non-loopback interfaces).</param>
    public CertificateProvider(
        TlsOptions options,
        string dataDirectory,
        ILogger<CertificateProvider>? logger = null,
        TimeProvider? timeProvider = null,
        Func<IReadOnlyList<IPAddress>>? lanAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        _logger = logger ?? NullLogger<CertificateProvider>.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _lanAddresses = lanAddresses ?? LocalNames.SystemLanAddresses;

        if (IsConfigured(options))
        {
            var (certificate, chain) = LoadConfigured(options);
            CertificatePath = Path.GetFullPath(options.CertificatePath!);
            // Built once: the chain is resolved here rather than per handshake. Offline, because an appliance may
            // start without Internet access and must not stall fetching intermediates.
            _current = new Issued(certificate, SslStreamCertificateContext.Create(certificate, chain, offline: true), [], []);
            _logger.CertificateLoaded(CertificatePath, _current.Fingerprint, certificate.NotAfter);
            WarnIfExpiring(certificate);
            return;
        }

        IsGenerated = true;
        _folder = Path.GetFullPath(Path.Combine(dataDirectory, TlsFolderName));
        CertificatePath = Path.Combine(_folder, GeneratedCertificateFileName);
        _keyPath = Path.Combine(_folder, GeneratedKeyFileName);
        string hostName = Dns.GetHostName();
        try
        {
            CertificateFiles.CreateFolder(_folder);
            _authorityWithKey = LoadOrCreateAuthority(hostName);
            Authority = X509CertificateLoader.LoadCertificate(_authorityWithKey.RawData);
            AuthoritySha256Fingerprint = FormatFingerprint(Authority);
            AuthorityPath = Path.Combine(_folder, AuthorityCertificateFileName);
            _chain = [Authority];

            // A host renamed after the CA was made: the CA cannot vouch for the new name, so the certificate
            // leaves it out (clients reach the box as edgemail.local or by address) rather than be refused.
            var permitted = NameConstraints.ReadPermittedDnsNames(_authorityWithKey) ?? [];
            _dnsNames = [.. LocalNames.DnsNames(hostName).Where(n => NameConstraints.Permits(permitted, n))];
            if (!NameConstraints.Permits(permitted, hostName.ToLowerInvariant()))
            {
                _logger.HostNameNotPermitted(hostName, string.Join(", ", permitted));
            }

            _current = LoadOrIssueServer();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsCertificateException($"TLS certificate: cannot create or read the certificates in '{_folder}' ({ex.Message}).", ex);
        }

        _timer = _time.CreateTimer(static state => ((CertificateProvider)state!).CheckFromTimer(), this, CheckInterval, CheckInterval);
        if (lanAddresses is null)
        {
            _watchesNetwork = WatchNetwork();
        }
    }

    /// <summary>The current server certificate, with its private key. Read it per handshake: it is replaced on renewal.</summary>
    public X509Certificate2 Certificate => _current.Certificate;

    /// <summary>SHA-256 of <see cref="Certificate"/>, as <c>openssl x509 -fingerprint -sha256</c> prints it ("AB:CD:…").</summary>
    public string Sha256Fingerprint => _current.Fingerprint;

    /// <summary>The box's own CA (public part only), or null with a configured certificate.</summary>
    public X509Certificate2? Authority { get; }

    /// <summary>SHA-256 of <see cref="Authority"/> in the format of <see cref="Sha256Fingerprint"/>, or null.</summary>
    public string? AuthoritySha256Fingerprint { get; }

    /// <summary>The CA certificate as DER (for <c>/ca.crt</c> and the Apple profile), or null; a new array each call.</summary>
    public byte[]? AuthorityDer => Authority?.RawData;

    /// <summary>The CA certificate as PEM, or null.</summary>
    public string? AuthorityPem => Authority?.ExportCertificatePem();

    /// <summary>The file the CA certificate is kept in, or null with a configured certificate.</summary>
    public string? AuthorityPath { get; }

    /// <summary>The file the server certificate came from.</summary>
    public string CertificatePath { get; }

    /// <summary>The certificate is EdgeMail's own (issued by its CA) rather than a configured one.</summary>
    public bool IsGenerated { get; }

    /// <summary>Raised after the server certificate was renewed, on the thread that renewed it.</summary>
    public event EventHandler? Renewed;

    /// <summary>The TLS context for the current certificate (with its chain), taken per handshake.</summary>
    internal SslStreamCertificateContext Context => _current.Context;

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
        return ReadFingerprint(path, configured ? "Tls:CertificatePath" : "TLS certificate");
    }

    /// <summary>
    /// The fingerprint of the box's CA, read from disk without generating anything; null with a configured
    /// certificate or before the first start.
    /// </summary>
    public static string? ReadAuthorityFingerprint(TlsOptions options, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(options);
        return IsConfigured(options)
            ? null
            : ReadFingerprint(Path.Combine(dataDirectory, TlsFolderName, AuthorityCertificateFileName), "TLS CA certificate");
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

    /// <summary>
    /// Renews the server certificate if it expires within 30 days or the box's names or addresses changed; the
    /// timer calls it hourly. Returns whether it renewed.
    /// </summary>
    public bool RenewIfNeeded()
    {
        if (_authorityWithKey is null || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        Issued renewed;
        lock (_renewal)
        {
            var current = _current;
            var addresses = LocalNames.IpAddresses(_lanAddresses());
            string? reason = WhyRenew(current, addresses);
            if (reason is null)
            {
                return false;
            }
            renewed = Issue(addresses, reason);
            _current = renewed;
        }
        Renewed?.Invoke(this, EventArgs.Empty);
        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _timer?.Dispose();
        if (_watchesNetwork)
        {
            NetworkChange.NetworkAddressChanged -= OnNetworkAddressChanged;
        }
        // Certificates replaced earlier are left to the finalizer: a handshake begun just before a renewal may
        // still use one.
        _current.Certificate.Dispose();
        _authorityWithKey?.Dispose();
        Authority?.Dispose();
    }

    private static bool IsConfigured(TlsOptions options) =>
        !string.IsNullOrWhiteSpace(options.CertificatePath) || !string.IsNullOrWhiteSpace(options.KeyPath);

    private static string? ReadFingerprint(string path, string what)
    {
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
            throw new TlsCertificateException($"{what}: '{path}' holds no readable PEM certificate ({ex.Message}).", ex);
        }
    }

    private X509Certificate2 LoadOrCreateAuthority(string hostName)
    {
        string certificatePath = Path.Combine(_folder, AuthorityCertificateFileName);
        string keyPath = Path.Combine(_folder, AuthorityKeyFileName);
        var existing = CertificateFiles.TryLoadPair(certificatePath, keyPath, out var unusable);
        if (existing is not null)
        {
            _logger.AuthorityLoaded(certificatePath, FormatFingerprint(existing), existing.NotAfter);
            return existing;
        }
        if (unusable is not null)
        {
            // Only our own files can be here; a half-written pair (a crash between the two renames) is replaced
            // rather than left to stop the server. Users who trusted the old CA must trust the new one.
            _logger.AuthorityUnusable(certificatePath, unusable);
        }

        var permitted = LocalNames.DnsNames(hostName);
        var (certificatePem, keyPem) = LocalAuthority.CreateAuthority(hostName, permitted, _time.GetUtcNow());
        CertificateFiles.WritePair(_folder, certificatePath, keyPath, certificatePem, keyPem);
        var created = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        _logger.AuthorityCreated(certificatePath, FormatFingerprint(created), created.NotAfter, string.Join(", ", permitted));
        return created;
    }

    private Issued LoadOrIssueServer()
    {
        var addresses = LocalNames.IpAddresses(_lanAddresses());
        var existing = CertificateFiles.TryLoadPair(CertificatePath, _keyPath, out var unusable);
        if (existing is not null && LocalAuthority.IsIssuedBy(existing, _authorityWithKey!))
        {
            var loaded = Wrap(existing);
            _logger.CertificateLoaded(CertificatePath, loaded.Fingerprint, existing.NotAfter);
            string? reason = WhyRenew(loaded, addresses);
            if (reason is null)
            {
                return loaded;
            }
            return Issue(addresses, reason);
        }

        if (existing is not null)
        {
            // Today's self-signed certificate (or one from a CA that was replaced): issued once from the CA.
            // The fingerprint users accepted changes; both are logged so that they can tell it is this box.
            string old = FormatFingerprint(existing);
            bool selfSigned = existing.SubjectName.RawData.AsSpan().SequenceEqual(existing.IssuerName.RawData);
            existing.Dispose();
            var migrated = Issue(addresses, selfSigned ? "migrated from the self-signed certificate" : "the CA changed");
            _logger.CertificateMigrated(old, migrated.Fingerprint, AuthoritySha256Fingerprint!);
            return migrated;
        }
        if (unusable is not null)
        {
            _logger.GeneratedCertificateUnusable(CertificatePath, unusable);
        }
        return Issue(addresses, "first start");
    }

    // Called with the renewal lock held, or from the constructor.
    private Issued Issue(IReadOnlyList<IPAddress> addresses, string reason)
    {
        var (certificatePem, keyPem) = LocalAuthority.IssueServer(_authorityWithKey!, Dns.GetHostName(), _dnsNames, addresses, _time.GetUtcNow());
        CertificateFiles.WritePair(_folder, CertificatePath, _keyPath, certificatePem, keyPem);
        var issued = Wrap(X509Certificate2.CreateFromPem(certificatePem, keyPem));
        _logger.CertificateIssued(CertificatePath, issued.Fingerprint, issued.Certificate.NotAfter, reason,
            string.Join(' ', _dnsNames.Concat(addresses.Select(a => a.ToString()))));
        return issued;
    }

    private Issued Wrap(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return new Issued(
            certificate,
            SslStreamCertificateContext.Create(certificate, _chain, offline: true),
            names?.EnumerateDnsNames().ToArray() ?? [],
            names?.EnumerateIPAddresses().ToArray() ?? []);
    }

    private string? WhyRenew(Issued current, IReadOnlyList<IPAddress> addresses)
    {
        var now = _time.GetUtcNow();
        // In the CA's own last month a new certificate could not outlive the current one (it ends with the CA),
        // so it is not renewed every hour for nothing; a new CA is a step for the user (see the README).
        if (current.Certificate.NotAfter.ToUniversalTime() - now < RenewBefore
            && _authorityWithKey!.NotAfter.ToUniversalTime() > current.Certificate.NotAfter.ToUniversalTime())
        {
            return "it expires on " + current.Certificate.NotAfter.ToUniversalTime().ToString("u", System.Globalization.CultureInfo.InvariantCulture);
        }
        if (!current.Addresses.ToHashSet().SetEquals(addresses))
        {
            return "the addresses changed";
        }
        if (!current.DnsNames.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(_dnsNames))
        {
            return "the names changed";
        }
        return null;
    }

    private void CheckFromTimer()
    {
        try
        {
            RenewIfNeeded();
        }
        catch (Exception ex)
        {
            // On a timer or network-change thread, where an exception would end the process: whatever failed
            // (a full disk, an interface list that cannot be read), the current certificate keeps serving and the
            // next check tries again.
            _logger.RenewalFailed(CertificatePath, ex);
        }
    }

    private bool WatchNetwork()
    {
        try
        {
            NetworkChange.NetworkAddressChanged += OnNetworkAddressChanged;
            return true;
        }
        catch (Exception ex) when (ex is NetworkInformationException or SocketException or PlatformNotSupportedException)
        {
            // The hourly check still sees the change.
            return false;
        }
    }

    private void OnNetworkAddressChanged(object? sender, EventArgs e) => CheckFromTimer();

    private void WarnIfExpiring(X509Certificate2 certificate)
    {
        var now = _time.GetUtcNow();
        if (certificate.NotAfter.ToUniversalTime() < now)
        {
            _logger.CertificateExpired(CertificatePath, certificate.NotAfter);
        }
        else if (certificate.NotAfter.ToUniversalTime() < now + ExpiryWarning)
        {
            _logger.CertificateExpiring(CertificatePath, certificate.NotAfter);
        }
    }

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

    /// <summary>One server certificate with what a handshake and a renewal check need of it; swapped as a whole.</summary>
    private sealed class Issued(X509Certificate2 certificate, SslStreamCertificateContext context, string[] dnsNames, IPAddress[] addresses)
    {
        public X509Certificate2 Certificate { get; } = certificate;

        public SslStreamCertificateContext Context { get; } = context;

        public string Fingerprint { get; } = FormatFingerprint(certificate);

        public string[] DnsNames { get; } = dnsNames;

        public IPAddress[] Addresses { get; } = addresses;
    }
}
