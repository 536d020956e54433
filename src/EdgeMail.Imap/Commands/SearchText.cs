using System.Text;
using MimeKit;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.4 SEARCH: the string keys (BODY, TEXT, FROM, TO, CC, BCC, SUBJECT, HEADER) match substrings,
// case-insensitively, in decoded text.
internal static class SearchText
{
    // Characters read at a time from a text part: a body is scanned in pieces, never held whole.
    internal const int ChunkChars = 16 * 1024;

    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc", "Resent-Bcc",
    };

    /// <summary>
    /// Whether a header field's decoded value contains <paramref name="value"/>. An address field also matches on its
    /// parsed addresses ("Name &lt;local@domain&gt;"), as Dovecot does, so that comments and folding inside an address
    /// ("&lt;user (comment)@ (comment) domain.org&gt;") do not hide it.
    /// </summary>
    public static bool HeaderContains(Header header, string value)
    {
        if (header.Value.Contains(value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return AddressFields.Contains(header.Field)
            && InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var addresses)
            && Normalized(addresses).Contains(value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether the body text of <paramref name="entity"/> contains <paramref name="value"/>: every text part, decoded from
    /// its transfer encoding and charset, and every attached message (message/rfc822), whose header is text of the outer
    /// body too.
    /// </summary>
    public static bool BodyContains(MimeEntity? entity, string value)
    {
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    if (BodyContains(child, value))
                    {
                        return true;
                    }
                }

                return false;
            case MessagePart { Message: { } attached }:
                return attached.Headers.Any(h => HeaderContains(h, value)) || BodyContains(attached.Body, value);
            case TextPart text:
                return TextPartContains(text, value);
            default:
                return false;
        }
    }

    /// <summary>Scans <paramref name="reader"/> piece by piece; a match across two pieces is found (the tail is kept).</summary>
    internal static bool Contains(TextReader reader, string value, int chunkChars = ChunkChars)
    {
        if (value.Length == 0)
        {
            return true;
        }

        var keep = value.Length - 1;
        var buffer = new char[Math.Max(chunkChars, value.Length) + keep];
        var filled = 0;
        while (true)
        {
            var read = reader.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
            {
                return false;
            }

            filled += read;
            if (buffer.AsSpan(0, filled).Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            // Keep the last value.Length - 1 characters: a match may begin there and end in the next piece.
            var tail = Math.Min(keep, filled);
            buffer.AsSpan(filled - tail, tail).CopyTo(buffer);
            filled = tail;
        }
    }

    private static bool TextPartContains(TextPart part, string value)
    {
        if (part.Content is not { } content)
        {
            return false;
        }

        var declared = CharsetOf(part);
        if (declared is not null)
        {
            return Scan(content, declared, value);
        }

        // No charset, or one this build does not know: UTF-8 when the octets are UTF-8, else Latin-1 (as MimeKit's
        // TextPart.Text decides), so that plain words still match.
        try
        {
            return Scan(content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), value);
        }
        catch (DecoderFallbackException)
        {
            return Scan(content, Encoding.Latin1, value);
        }
    }

    private static bool Scan(IMimeContent content, Encoding encoding, string value)
    {
        // Open() gives the content decoded from its Content-Transfer-Encoding, read from the stored file as it goes.
        using var decoded = content.Open();
        using var reader = new StreamReader(decoded, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 4096, leaveOpen: false);
        return Contains(reader, value);
    }

    private static Encoding? CharsetOf(TextPart part)
    {
        if (part.ContentType.Charset is null)
        {
            return null;
        }

        try
        {
            return part.ContentType.CharsetEncoding;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    private static string Normalized(InternetAddressList addresses)
    {
        var text = new StringBuilder();
        foreach (var address in addresses)
        {
            Append(text, address);
        }

        return text.ToString();

        static void Append(StringBuilder text, InternetAddress address)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            switch (address)
            {
                case GroupAddress group:
                    text.Append(group.Name).Append(':');
                    foreach (var member in group.Members)
                    {
                        Append(text, member);
                    }

                    text.Append(';');
                    break;
                case MailboxAddress mailbox when string.IsNullOrEmpty(mailbox.Name):
                    text.Append(mailbox.Address);
                    break;
                case MailboxAddress mailbox:
                    text.Append(mailbox.Name).Append(" <").Append(mailbox.Address).Append('>');
                    break;
            }
        }
    }
}
