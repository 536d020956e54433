namespace EdgeMail.Cli;

/// <summary>The certificates `status` shows: the server's, and the box's CA that issued it (none when configured).</summary>
internal sealed class TlsStatus
{
    /// <summary>SHA-256 of the server certificate ("AB:CD:…"), or null before the first start.</summary>
    public string? FingerprintSha256 { get; set; }

    /// <summary>SHA-256 of the box's CA, the one users trust (or compare); null with Tls:CertificatePath or before the first start.</summary>
    public string? CaFingerprintSha256 { get; set; }

    /// <summary>The certificate comes from Tls:CertificatePath, not from the box's CA.</summary>
    public bool Configured { get; set; }
}
