using System.Text;
using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

/// <summary>
/// Finds the bytes a BODY[section] or BINARY[section] names (RFC 9051 §6.4.5 section numbering; RFC 3516) from the
/// part offsets computed at delivery, so that a fetch is a read of a byte range and never a parse of the message.
/// </summary>
internal static class SectionReader
{
    /// <summary>The byte range of the section in the stored message, or null when the message has no such part.</summary>
    public static (long Start, long Length)? Range(BodyPart root, long messageSize, SectionItem item)
    {
        if (item.Part.Count == 0)
        {
            return item.Text switch
            {
                SectionText.None => (0, messageSize),
                SectionText.Header or SectionText.HeaderFields or SectionText.HeaderFieldsNot => (root.HeaderOffset, root.BodyOffset - root.HeaderOffset),
                SectionText.Text => (root.BodyOffset, root.EndOffset - root.BodyOffset),
                _ => null,
            };
        }

        var part = Resolve(root, item.Part);
        if (part is null)
        {
            return null;
        }

        switch (item.Text)
        {
            case SectionText.None:
                return (part.BodyOffset, part.ContentLength);
            case SectionText.Mime:
                return (part.HeaderOffset, part.BodyOffset - part.HeaderOffset);
            default:
                // HEADER and TEXT of a part apply to an encapsulated message (RFC 9051 §6.4.5).
                if (!IsMessage(part) || part.Parts is not [var embedded])
                {
                    return null;
                }

                return item.Text == SectionText.Text
                    ? (embedded.BodyOffset, embedded.EndOffset - embedded.BodyOffset)
                    : (embedded.HeaderOffset, embedded.BodyOffset - embedded.HeaderOffset);
        }
    }

    /// <summary>RFC 9051 §6.4.5: part 1 of a non-multipart is its body; a message/rfc822 part's numbers go into the message.</summary>
    public static BodyPart? Resolve(BodyPart root, IReadOnlyList<int> path)
    {
        var current = root;
        for (var i = 0; i < path.Count; i++)
        {
            var n = path[i];
            if (IsMultipart(current))
            {
                if (current.Parts is null || n > current.Parts.Count)
                {
                    return null;
                }

                current = current.Parts[n - 1];
            }
            else if (n != 1)
            {
                return null;
            }

            if (i < path.Count - 1 && IsMessage(current) && current.Parts is [var embedded])
            {
                current = embedded;
            }
        }

        return current;
    }

    /// <summary>HEADER.FIELDS (.NOT): the matching header lines of a header block, with the blank line (RFC 9051 §6.4.5).</summary>
    public static byte[] FilterHeader(ReadOnlySpan<byte> header, IReadOnlyList<string> fields, bool not)
    {
        var output = new MemoryStream();
        var keep = false;
        var start = 0;
        while (start < header.Length)
        {
            var end = header[start..].IndexOf((byte)'\n');
            end = end < 0 ? header.Length : start + end + 1;
            var line = header[start..end];
            start = end;
            if (line.Length == 0 || line[0] is (byte)'\r' or (byte)'\n')
            {
                break;
            }

            if (line[0] is not ((byte)' ' or (byte)'\t'))
            {
                var colon = line.IndexOf((byte)':');
                var name = colon > 0 ? Encoding.ASCII.GetString(line[..colon]).Trim().ToUpperInvariant() : string.Empty;
                keep = fields.Contains(name) != not;
            }

            if (keep)
            {
                output.Write(line);
                if (line[^1] != '\n')
                {
                    output.Write("\r\n"u8);
                }
            }
        }

        output.Write("\r\n"u8);
        return output.ToArray();
    }

    /// <summary>
    /// BINARY[section]: the part's content with its Content-Transfer-Encoding undone (RFC 3516 §4.2). A multipart
    /// or a message/rfc822 part is its content as it stands (their encoding can only be 7bit, 8bit or binary, RFC
    /// 2045 §6.4), unless a message/rfc822 was sent in base64 anyway, which is decoded. Content that cannot be
    /// decoded throws <see cref="ContentDecoder.UndecodableException"/> (the caller answers NO [UNKNOWN-CTE]).
    /// </summary>
    public static async Task<Stream> DecodeAsync(Stream body, BodyPart part, Func<Stream> createTemporaryFile, CancellationToken cancellationToken)
    {
        var decoder = ContentDecoder.For(part.ContentTransferEncoding);
        body.Seek(part.BodyOffset, SeekOrigin.Begin);
        // A large attachment is decoded to a temporary file, never held whole in memory.
        Stream output;
        if (part.ContentLength > 1024 * 1024)
        {
            output = createTemporaryFile();
        }
        else
        {
            output = new MemoryStream();
        }

        try
        {
            var remaining = part.ContentLength;
            var input = new byte[64 * 1024];
            while (remaining > 0)
            {
                var n = await body.ReadAsync(input.AsMemory(0, (int)Math.Min(input.Length, remaining)), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                remaining -= n;
                decoder.Decode(input.AsSpan(0, n), output);
            }

            decoder.Complete(output);
            output.Position = 0;
            return output;
        }
        catch
        {
            await output.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool IsMultipart(BodyPart part) => part.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase);

    private static bool IsMessage(BodyPart part) =>
        part.MediaType.Equals("message", StringComparison.OrdinalIgnoreCase) && part.MediaSubtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase);
}
