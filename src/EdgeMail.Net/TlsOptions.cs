using System.ComponentModel.DataAnnotations;

namespace EdgeMail.Net;

/// <summary>
/// Options of the server certificate, bound from the "Tls" configuration section. With neither path set, a
/// certificate is issued by the box's own CA, both kept in the data folder (see <see cref="CertificateProvider"/>).
/// </summary>
public sealed class TlsOptions : IValidatableObject
{
    public const string SectionName = "Tls";

    /// <summary>PEM file with the server certificate, optionally followed by its chain (e.g. fullchain.pem).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM file with the unencrypted private key (PKCS#8, RSA or EC) of <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        bool hasCertificate = !string.IsNullOrWhiteSpace(CertificatePath);
        bool hasKey = !string.IsNullOrWhiteSpace(KeyPath);
        if (hasCertificate && !hasKey)
        {
            yield return new ValidationResult("Tls:KeyPath is required when Tls:CertificatePath is set.", [nameof(KeyPath)]);
        }
        else if (hasKey && !hasCertificate)
        {
            yield return new ValidationResult("Tls:CertificatePath is required when Tls:KeyPath is set.", [nameof(CertificatePath)]);
        }
    }
}
