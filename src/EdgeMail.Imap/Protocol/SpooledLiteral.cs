namespace EdgeMail.Imap.Protocol;

/// <summary>
/// A literal too large to keep in memory (an APPEND message), written to a temporary file as it arrived.
/// <see cref="Offset"/> is where its <c>{n}</c> CRLF ends in the command text, which holds no literal bytes for it.
/// </summary>
public sealed class SpooledLiteral(int offset, string path, long length) : IDisposable
{
    public int Offset { get; } = offset;

    public string Path { get; } = path;

    public long Length { get; } = length;

    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Best effort: the folder is cleaned at the next start.
        }
    }
}
