using System.Text;
using MimeKit;

namespace EdgeMail.Store.Mime;

/// <summary>
/// Builds a <see cref="MessageSummary"/> with MimeKit at delivery. The parser runs with
/// persistent: true over the stored bytes, so part contents are never copied into memory; the
/// parser's begin/end events give each part's byte offsets.
/// </summary>
internal static class MimeSummarizer
{
    public static MessageSummary Summarize(Stream seekable, ParserOptions options, CancellationToken cancellationToken)
    {
        var begins = new Dictionary<MimeEntity, long>(ReferenceEqualityComparer.Instance);
        var ends = new Dictionary<MimeEntity, (long HeadersEnd, long End, long Lines)>(ReferenceEqualityComparer.Instance);
        var parser = new MimeParser(options, seekable, persistent: true);
        parser.MimeEntityBegin += (_, e) => begins[e.Entity] = e.BeginOffset;
        parser.MimeEntityEnd += (_, e) => ends[e.Entity] = (e.HeadersEndOffset, e.EndOffset, e.Lines);

        try
        {
            using var message = parser.ParseMessage(cancellationToken);
            return message.Body is null
                ? Fallback(seekable)
                : new MessageSummary(BuildEnvelope(message), BuildPart(message.Body, begins, ends, seekable.Length));
        }
        catch (FormatException)
        {
            // MimeKit is lenient and rarely gives up; when it does, the message is still stored and
            // served whole, as a single text part (RFC 2045 §5.2 default type).
            return Fallback(seekable);
        }
    }

    /// <summary>The whole message as one text part, with its real line count (BODYSTRUCTURE's body-fld-lines).</summary>
    private static MessageSummary Fallback(Stream seekable)
    {
        seekable.Position = 0;
        var buffer = new byte[16 * 1024];
        long lines = 0;
        var last = (byte)'\n';
        int n;
        while ((n = seekable.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, n).Count((byte)'\n');
            last = buffer[n - 1];
        }

        var summary = Fallback(seekable.Length);
        return summary with { Body = summary.Body with { Lines = lines + (last == (byte)'\n' ? 0 : 1) } };
    }

    internal static MessageSummary Fallback(long length) =>
        new(
            new Envelope(null, null, null, null, null, null, null, null, null, null),
            new BodyPart("text", "plain", [new MimeParameter("charset", "us-ascii")], null, null, null, null, null, null, null, null, 0, 0, length, 0, null, null));

    private static BodyPart BuildPart(
        MimeEntity? entity,
        Dictionary<MimeEntity, long> begins,
        Dictionary<MimeEntity, (long HeadersEnd, long End, long Lines)> ends,
        long length)
    {
        if (entity is null)
        {
            return Fallback(length).Body;
        }

        var begin = begins.GetValueOrDefault(entity);
        var (headersEnd, end, lines) = ends.TryGetValue(entity, out var e) ? e : (begin, length, 0);
        var type = entity.ContentType;
        var parameters = new List<MimeParameter>(type.Parameters.Count);
        foreach (var p in type.Parameters)
        {
            parameters.Add(new MimeParameter(p.Name, p.Value));
        }

        List<MimeParameter>? dispositionParameters = null;
        if (entity.ContentDisposition is { } cd)
        {
            dispositionParameters = new List<MimeParameter>(cd.Parameters.Count);
            foreach (var p in cd.Parameters)
            {
                dispositionParameters.Add(new MimeParameter(p.Name, p.Value));
            }
        }

        List<BodyPart>? children = null;
        Envelope? embeddedEnvelope = null;
        switch (entity)
        {
            case Multipart multipart:
                children = new List<BodyPart>(multipart.Count);
                foreach (var child in multipart)
                {
                    children.Add(BuildPart(child, begins, ends, length));
                }

                break;
            case MessagePart { Message: { } embedded }:
                embeddedEnvelope = BuildEnvelope(embedded);
                children = [BuildPart(embedded.Body, begins, ends, length)];
                break;
        }

        var languages = HeaderText(entity.Headers, HeaderId.ContentLanguage)?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        return new BodyPart(
            type.MediaType.ToLowerInvariant(),
            type.MediaSubtype.ToLowerInvariant(),
            parameters,
            HeaderText(entity.Headers, HeaderId.ContentId),
            HeaderText(entity.Headers, HeaderId.ContentDescription),
            HeaderText(entity.Headers, HeaderId.ContentTransferEncoding),
            HeaderText(entity.Headers, HeaderId.ContentMd5),
            entity.ContentDisposition?.Disposition,
            dispositionParameters,
            languages is { Length: > 0 } ? languages : null,
            HeaderText(entity.Headers, HeaderId.ContentLocation),
            begin,
            headersEnd,
            Math.Max(headersEnd, end),
            lines,
            children,
            embeddedEnvelope);
    }

    private static Envelope BuildEnvelope(MimeMessage message) =>
        new(
            HeaderText(message.Headers, HeaderId.Date),
            HeaderText(message.Headers, HeaderId.Subject),
            Addresses(message.Headers, HeaderId.From, message.From),
            Addresses(message.Headers, HeaderId.Sender, message.Sender is null ? null : new InternetAddressList([message.Sender])),
            Addresses(message.Headers, HeaderId.ReplyTo, message.ReplyTo),
            Addresses(message.Headers, HeaderId.To, message.To),
            Addresses(message.Headers, HeaderId.Cc, message.Cc),
            Addresses(message.Headers, HeaderId.Bcc, message.Bcc),
            HeaderText(message.Headers, HeaderId.InReplyTo),
            HeaderText(message.Headers, HeaderId.MessageId));

    private static List<EnvelopeAddress>? Addresses(HeaderList headers, HeaderId id, InternetAddressList? list)
    {
        if (!headers.Contains(id) || list is null)
        {
            return null;
        }

        var result = new List<EnvelopeAddress>(list.Count);
        Flatten(list, result);
        return result;
    }

    private static void Flatten(InternetAddressList list, List<EnvelopeAddress> result)
    {
        foreach (var address in list)
        {
            switch (address)
            {
                case MailboxAddress mailbox:
                    var at = mailbox.Address.LastIndexOf('@');
                    var route = mailbox.Route.Count > 0 ? "@" + string.Join(",@", mailbox.Route) : null;
                    result.Add(new EnvelopeAddress(
                        string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name,
                        route,
                        at < 0 ? mailbox.Address : mailbox.Address[..at],
                        at < 0 ? string.Empty : mailbox.Address[(at + 1)..]));
                    break;
                case GroupAddress group:
                    // RFC 9051 §7.5.2: group start (NIL host, mailbox = group name) and end (NIL, NIL).
                    result.Add(new EnvelopeAddress(null, null, group.Name, null));
                    Flatten(group.Members, result);
                    result.Add(new EnvelopeAddress(null, null, null, null));
                    break;
            }
        }
    }

    /// <summary>The value of the first header with this id, unfolded, not decoded; null if absent.</summary>
    private static string? HeaderText(HeaderList headers, HeaderId id)
    {
        var index = headers.IndexOf(id);
        if (index < 0)
        {
            return null;
        }

        var raw = headers[index].RawValue;
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            text = Encoding.Latin1.GetString(raw);
        }

        // RFC 5322 §2.2.3: unfolding removes each CRLF that is followed by white space.
        return text.Replace("\r\n", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal).Trim();
    }
}
