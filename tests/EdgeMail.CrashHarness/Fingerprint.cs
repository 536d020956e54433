using System.Security.Cryptography;

namespace EdgeMail.CrashHarness;

/// <summary>A message's length and SHA-256: what the ledger keeps instead of the bytes.</summary>
internal readonly record struct Fingerprint(long Length, string Sha256)
{
    public static Fingerprint Of(ReadOnlySpan<byte> bytes) => new(bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));

    public override string ToString() => $"{Length} bytes, sha256 {Sha256[..16]}…";
}
