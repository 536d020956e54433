namespace EdgeMail.Store.Messages;

/// <summary>
/// What to append: the message comes as a stream and is never held whole in memory beyond
/// <see cref="StoreOptions.InlineBodyMaxBytes"/>. Flags and keywords as given by APPEND (RFC 9051 §6.3.12).
/// </summary>
public sealed record AppendRequest(
    Stream Body,
    MessageFlags Flags = MessageFlags.None,
    IReadOnlyCollection<string>? Keywords = null,
    DateTimeOffset? InternalDate = null)
{
    /// <summary>Store the bytes as they come, bare LFs included, as releases before CRLF conversion did (tests only).</summary>
    internal bool KeepLineEnds { get; init; }
}
