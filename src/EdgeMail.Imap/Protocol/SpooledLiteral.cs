using EdgeMail.Store.Messages;

namespace EdgeMail.Imap.Protocol;

/// <summary>
/// A literal too large to keep in memory (an APPEND message), written into the store's staging stream as it arrived,
/// which APPEND hands to the store to adopt. <see cref="Offset"/> is where its <c>{n}</c> CRLF ends in the command
/// text, which holds no literal bytes for it; <see cref="Length"/> is the literal's octet count as the client sent it.
/// </summary>
public sealed class SpooledLiteral(int offset, MessageStaging staging, long length) : IDisposable
{
    public int Offset { get; } = offset;

    public long Length { get; } = length;

    internal MessageStaging Staging { get; } = staging;

    /// <summary>The message for the store to adopt; once adopted (or disposed) it cannot be read again.</summary>
    public Stream OpenRead() => Staging;

    public void Dispose() => Staging.Dispose();
}
