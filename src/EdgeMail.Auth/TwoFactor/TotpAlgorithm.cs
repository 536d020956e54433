namespace EdgeMail.Auth.TwoFactor;

/// <summary>The HMAC of HOTP/TOTP (RFC 6238 §1.2 allows SHA-256 and SHA-512 besides RFC 4226's SHA-1).</summary>
public enum TotpAlgorithm
{
    Sha1,
    Sha256,
    Sha512,
}
