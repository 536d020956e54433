using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EdgeMail.Shared.Interop;

namespace EdgeMail.Net.Certificates;

/// <summary>PEM pairs in <c>&lt;data&gt;/tls/</c>: written atomically with their final modes, read back as one.</summary>
internal static class CertificateFiles
{
    public const UnixFileMode KeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode CertificateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>
    /// Writes the key, then the certificate, then fsyncs the folder. Key first: a crash between the renames
    /// leaves a new key with an old certificate, which the next start sees as an unusable pair and replaces,
    /// never an old key served under a new certificate.
    /// </summary>
    public static void WritePair(string folder, string certificatePath, string keyPath, string certificatePem, string keyPem)
    {
        WriteAtomically(keyPath, keyPem, KeyMode);
        WriteAtomically(certificatePath, certificatePem, CertificateMode);
        DirectoryFsync.Flush(folder);
    }

    /// <summary>
    /// The pair with its key, or null (and why) when one file is missing or they do not belong together;
    /// I/O errors other than absence propagate.
    /// </summary>
    public static X509Certificate2? TryLoadPair(string certificatePath, string keyPath, out string? unusable)
    {
        bool hasCertificate = File.Exists(certificatePath);
        bool hasKey = File.Exists(keyPath);
        unusable = null;
        if (!hasCertificate && !hasKey)
        {
            return null;
        }
        if (!hasCertificate || !hasKey)
        {
            unusable = "one of the certificate and key files is missing";
            return null;
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            unusable = ex.Message;
            return null;
        }
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
}
