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
                : new MessageSummary(BuildEnvelope(message), BuildPart(message.Body, begins, ends, seekable));
        }
        catch (FormatException)
        {
            // MimeKit is lenient and rarely gives up; when it does, the message is still stored and
            // served whole, as a single text part (RFC 2045 §5.2 default type).
            return Fallback(seekable);
        }
    }

    /// <summary>The whole message as one text part, with its line count (BODYSTRUCTURE's body-fld-lines: the LFs).</summary>
    private static MessageSummary Fallback(Stream seekable)
    {
        var summary = Fallback(seekable.Length);
        return summary with { Body = summary.Body with { Lines = CountLines(seekable, 0, seekable.Length) } };
    }

    internal static MessageSummary Fallback(long length) =>
        new(
            new Envelope(null, null, null, null, null, null, null, null, null, null),
            new BodyPart("text", "plain", [new MimeParameter("charset", "us-ascii")], null, null, null, null, null, null, null, null, 0, 0, length, 0, null, null));

    private static BodyPart BuildPart(
        MimeEntity? entity,
        Dictionary<MimeEntity, long> begins,
        Dictionary<MimeEntity, (long HeadersEnd, long End, long Lines)> ends,
        Stream stream)
    {
        var length = stream.Length;
        if (entity is null)
        {
            return Fallback(length).Body;
        }

        var begin = begins.GetValueOrDefault(entity);
        var (headersEnd, end, _) = ends.TryGetValue(entity, out var e) ? e : (begin, length, 0);
        end = Math.Max(headersEnd, end);
        var type = entity.ContentType;
        var mediaType = type.MediaType.ToLowerInvariant();
        var mediaSubtype = type.MediaSubtype.ToLowerInvariant();

        // The parameters as they stand in the header (RFC 2231 form kept, as Dovecot gives them), not decoded.
        var contentType = HeaderText.First(entity.Headers, HeaderId.ContentType);
        var parameters = contentType is null ? [] : Text(ParameterParser.Parse(contentType));
        var disposition = HeaderText.First(entity.Headers, HeaderId.ContentDisposition);
        List<MimeParameter>? dispositionParameters = null;
        string? dispositionType = null;
        if (disposition is not null && entity.ContentDisposition is { } cd)
        {
            dispositionType = cd.Disposition;
            dispositionParameters = Text(ParameterParser.Parse(disposition));
        }

        List<BodyPart>? children = null;
        Envelope? embeddedEnvelope = null;
        switch (entity)
        {
            case Multipart multipart:
                children = new List<BodyPart>(multipart.Count);
                foreach (var child in multipart)
                {
                    children.Add(BuildPart(child, begins, ends, stream));
                }

                if (multipart.Boundary is { Length: > 0 } boundary)
                {
                    AddEmptyParts(stream, boundary, headersEnd, end, children);
                }

                if (children.Count == 0)
                {
                    // A multipart whose boundary is missing or never appears: one empty text part, as Dovecot gives
                    // it, so that BODYSTRUCTURE keeps body-type-mpart's grammar (RFC 3501 §9: 1*body).
                    children.Add(EmptyText(end));
                }

                break;
            case MessagePart { Message: { } embedded }:
                embeddedEnvelope = BuildEnvelope(embedded);
                children = [BuildPart(embedded.Body, begins, ends, stream)];
                break;
        }

        if (mediaType == "message" && mediaSubtype == "rfc822" && children is null)
        {
            // A message/rfc822 part in base64 or quoted-printable is not parsed (its bytes are not a message until
            // decoded); body-type-msg still needs an envelope, a body and lines (RFC 3501 §9), given as Dovecot
            // does: an empty envelope and an empty text part.
            embeddedEnvelope = new Envelope(null, null, null, null, null, null, null, null, null, null);
            children = [EmptyText(end)];
        }

        var languages = HeaderText.First(entity.Headers, HeaderId.ContentLanguage)?
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        // body-fld-lines (RFC 3501 §9): the LFs in the content. A last line without a line end is not counted,
        // nor is the CRLF before a boundary, which belongs to the boundary (RFC 2046 §5.1.1); Dovecot counts alike.
        var lines = mediaType is "text" or "message" ? CountLines(stream, headersEnd, end) : 0;

        return new BodyPart(
            mediaType,
            mediaSubtype,
            parameters,
            Text(HeaderText.First(entity.Headers, HeaderId.ContentId)),
            Text(HeaderText.First(entity.Headers, HeaderId.ContentDescription)),
            Text(HeaderText.First(entity.Headers, HeaderId.ContentTransferEncoding)),
            Text(HeaderText.First(entity.Headers, HeaderId.ContentMd5)),
            Text(dispositionType),
            dispositionParameters,
            languages is { Length: > 0 } ? languages.Select(l => Text(l)!).ToArray() : null,
            Text(HeaderText.First(entity.Headers, HeaderId.ContentLocation)),
            begin,
            headersEnd,
            end,
            lines,
            children,
            embeddedEnvelope);
    }

    private static BodyPart EmptyText(long at) =>
        new("text", "plain", [], null, null, null, null, null, null, null, null, at, at, at, 0, null, null);

    /// <summary>
    /// MimeKit leaves out a part with neither header nor content ("--b" right after "--b", RFC 2046 §5.1.1 allows
    /// it); Dovecot counts it, and so must section numbers. Each delimiter line between two parts beyond the one
    /// that opens the next part is such an empty part; it sits where the delimiter line before it ends.
    /// </summary>
    private static void AddEmptyParts(Stream stream, string boundary, long bodyStart, long bodyEnd, List<BodyPart> children)
    {
        const long MaxGapBytes = 64 * 1024;
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        for (var i = 0; i <= children.Count; i++)
        {
            var from = i == 0 ? bodyStart : children[i - 1].EndOffset;
            var to = i == children.Count ? bodyEnd : children[i].HeaderOffset;
            if (to - from <= delimiter.Length || to - from > MaxGapBytes)
            {
                continue;
            }

            var gap = new byte[to - from];
            stream.Position = from;
            stream.ReadExactly(gap);
            var opens = new List<long>();
            var lineStart = 0;
            while (lineStart < gap.Length)
            {
                var lf = gap.AsSpan(lineStart).IndexOf((byte)'\n');
                var lineEnd = lf < 0 ? gap.Length : lineStart + lf + 1;
                var line = gap.AsSpan(lineStart, lineEnd - lineStart);
                if (line.StartsWith(delimiter) && !line[delimiter.Length..].StartsWith("--"u8) && line[delimiter.Length..].TrimEnd("\r\n \t"u8).IsEmpty)
                {
                    opens.Add(from + lineEnd);
                }

                lineStart = lineEnd;
            }

            // Between two parts one delimiter opens the next; after the last part none should (only the close).
            var expected = i == children.Count ? 0 : 1;
            var extra = opens.Count - expected;
            for (var k = 0; k < extra; k++)
            {
                children.Insert(i + k, EmptyText(opens[k]));
            }

            i += Math.Max(extra, 0);
        }
    }

    private static long CountLines(Stream stream, long from, long to)
    {
        var buffer = new byte[(int)Math.Min(64 * 1024, Math.Max(to - from, 1))];
        long lines = 0;
        stream.Position = from;
        var remaining = to - from;
        while (remaining > 0)
        {
            var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (n == 0)
            {
                break;
            }

            lines += buffer.AsSpan(0, n).Count((byte)'\n');
            remaining -= n;
        }

        return lines;
    }

    /// <summary>
    /// An envelope from the raw header (RFC 3501 §7.4.2): nothing decoded, the last of a repeated field. Strings are
    /// text when all of them are UTF-8 (as RFC 6532 headers are), else the octets themselves (see <see cref="Envelope.Octets"/>).
    /// </summary>
    private static Envelope BuildEnvelope(MimeMessage message)
    {
        var h = message.Headers;
        List<EnvelopeAddress>? Addresses(HeaderId id) => HeaderText.Last(h, id) is { } value ? AddressParser.Parse(value) : null;
        var envelope = new Envelope(
            HeaderText.Last(h, HeaderId.Date),
            HeaderText.Last(h, HeaderId.Subject),
            Addresses(HeaderId.From),
            Addresses(HeaderId.Sender),
            Addresses(HeaderId.ReplyTo),
            Addresses(HeaderId.To),
            Addresses(HeaderId.Cc),
            Addresses(HeaderId.Bcc),
            HeaderText.Last(h, HeaderId.InReplyTo),
            HeaderText.Last(h, HeaderId.MessageId));
        IEnumerable<string?> All()
        {
            yield return envelope.Date;
            yield return envelope.Subject;
            yield return envelope.InReplyTo;
            yield return envelope.MessageId;
            foreach (var list in (IReadOnlyList<EnvelopeAddress>?[])[envelope.From, envelope.Sender, envelope.ReplyTo, envelope.To, envelope.Cc, envelope.Bcc])
            {
                foreach (var a in list ?? [])
                {
                    yield return a.Name;
                    yield return a.Route;
                    yield return a.Mailbox;
                    yield return a.Host;
                }
            }
        }

        if (!All().All(HeaderText.IsUtf8))
        {
            return envelope with { Octets = true };
        }

        static List<EnvelopeAddress>? Decode(IReadOnlyList<EnvelopeAddress>? list) =>
            list?.Select(a => new EnvelopeAddress(HeaderText.AsUtf8(a.Name), HeaderText.AsUtf8(a.Route), HeaderText.AsUtf8(a.Mailbox), HeaderText.AsUtf8(a.Host))).ToList();
        return new Envelope(
            HeaderText.AsUtf8(envelope.Date),
            HeaderText.AsUtf8(envelope.Subject),
            Decode(envelope.From),
            Decode(envelope.Sender),
            Decode(envelope.ReplyTo),
            Decode(envelope.To),
            Decode(envelope.Cc),
            Decode(envelope.Bcc),
            HeaderText.AsUtf8(envelope.InReplyTo),
            HeaderText.AsUtf8(envelope.MessageId));
    }

    /// <summary>
    /// A MIME field's octets as text: UTF-8 when they are (RFC 6532), else one char per octet. BodyPart strings are
    /// text (the writer sends them as UTF-8), so raw non-UTF-8 octets in a MIME field go out as their Latin-1 reading.
    /// </summary>
    private static string? Text(string? octets) => HeaderText.IsUtf8(octets) ? HeaderText.AsUtf8(octets) : octets;

    private static List<MimeParameter> Text(List<MimeParameter> parameters) =>
        parameters.ConvertAll(p => new MimeParameter(Text(p.Name)!, Text(p.Value)!));
}
