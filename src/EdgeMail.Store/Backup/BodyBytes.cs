using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace EdgeMail.Store.Backup;

/// <summary>
/// Reads a body's bytes where a bodies row says they are, under a bodies folder (the data folder's, or a backup's):
/// the same names the store's BodyFiles gives, which a check and a backup must agree with.
/// </summary>
internal static class BodyBytes
{
    public static string SegmentName(long id) => "seg-" + id.ToString("D6", CultureInfo.InvariantCulture) + ".dat";

    public static bool IsSegmentName(string name, out long id)
    {
        id = 0;
        return name.StartsWith("seg-", StringComparison.Ordinal) && name.EndsWith(".dat", StringComparison.Ordinal)
            && long.TryParse(name.AsSpan(4, name.Length - 8), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static bool IsOwnFileName(string name) => name.StartsWith("b-", StringComparison.Ordinal) && name.EndsWith(".eml", StringComparison.Ordinal);

    public static string PathOf(string bodiesPath, BodyRow row) =>
        Path.Combine(bodiesPath, row.File ?? SegmentName(row.Segment!.Value));

    /// <summary>The SHA-256 of the body's bytes, or the problem: the file is missing or shorter than the row says.</summary>
    public static (byte[]? Hash, string? Problem) Hash(string bodiesPath, BodyRow row, byte[] buffer)
    {
        var path = PathOf(bodiesPath, row);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return (null, $"its file {Path.GetFileName(path)} is missing");
        }

        using (handle)
        {
            var fileLength = RandomAccess.GetLength(handle);
            if (fileLength < row.Offset + row.Length)
            {
                return (null, $"{Path.GetFileName(path)} holds {fileLength} bytes, the body ends at {row.Offset + row.Length}");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var position = row.Offset;
            var end = row.Offset + row.Length;
            while (position < end)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, end - position)), position);
                if (read == 0)
                {
                    return (null, $"{Path.GetFileName(path)} ended early");
                }

                hash.AppendData(buffer, 0, read);
                position += read;
            }

            return (hash.GetHashAndReset(), null);
        }
    }
}
