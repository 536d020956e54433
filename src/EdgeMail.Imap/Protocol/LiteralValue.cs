namespace EdgeMail.Imap.Protocol;

/// <summary>A string argument that may be large: its bytes in memory, or a spooled literal.</summary>
public readonly record struct LiteralValue(ReadOnlyMemory<byte> Bytes, SpooledLiteral? Spooled)
{
    public long Length => Spooled?.Length ?? Bytes.Length;

    public Stream OpenRead() => Spooled is { } s ? s.OpenRead() : new MemoryStream(Bytes.ToArray(), writable: false);
}
