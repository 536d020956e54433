using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

/// <summary>
/// BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, §9 "body"): from the part tree computed at delivery. BODYSTRUCTURE
/// adds the extension data (MD5, disposition, language, location; for multiparts, parameters first). Where the
/// grammar allows several forms, Dovecot's is used, since clients are tuned to it: "7bit" when there is no
/// Content-Transfer-Encoding, the language always as a list.
/// </summary>
internal static class BodyStructureWriter
{
    /// <summary>What Dovecot gives for a part that has no content of its own to describe.</summary>
    private static readonly BodyPart EmptyText = new("text", "plain", [], null, null, null, null, null, null, null, null, 0, 0, 0, 0, null, null);

    private static readonly Envelope EmptyEnvelope = new(null, null, null, null, null, null, null, null, null, null);

    private static readonly MimeParameter DefaultCharset = new("charset", "us-ascii");

    public static void Write(ResponseWriter w, BodyPart part, bool extended)
    {
        if (part.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase))
        {
            w.Raw("(");

            // body-type-mpart = 1*body SP media-subtype (RFC 9051 §9): a multipart summarised without parts (its
            // boundary missing, before summaries gave it one empty part) still gets one.
            foreach (var child in part.Parts is { Count: > 0 } children ? children : [EmptyText])
            {
                Write(w, child, extended);
            }

            w.Space().String(part.MediaSubtype);
            if (extended)
            {
                w.Space();
                Parameters(w, part.Parameters);
                w.Space();
                Disposition(w, part);
                w.Space();
                Language(w, part.ContentLanguage);
                w.Space().NString(part.ContentLocation);
            }

            w.Raw(")");
            return;
        }

        var text = part.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase);
        w.Raw("(").String(part.MediaType).Space().String(part.MediaSubtype).Space();

        // RFC 2045 §5.2: a text part without a charset is US-ASCII; clients expect the parameter, which Dovecot
        // adds after the others.
        Parameters(w, text && !part.Parameters.Any(p => p.Name.Equals("charset", StringComparison.OrdinalIgnoreCase)) ? [.. part.Parameters, DefaultCharset] : part.Parameters);
        w.Space().NString(part.ContentId).Space().NString(part.ContentDescription).Space()
            .String(part.ContentTransferEncoding ?? "7bit").Space().Number(part.ContentLength);
        if (part.MediaType.Equals("message", StringComparison.OrdinalIgnoreCase)
            && part.MediaSubtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase))
        {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines (RFC 3501 §9), which
            // a client's parser requires. A message/rfc822 in base64 is not parsed: an empty envelope and text part
            // stand in, as with Dovecot (summaries since then carry them; older ones get them here).
            w.Space();
            EnvelopeWriter.Write(w, part.MessageEnvelope ?? EmptyEnvelope);
            w.Space();
            Write(w, part.Parts is [var embedded] ? embedded : EmptyText, extended);
            w.Space().Number(part.Lines);
        }
        else if (text)
        {
            w.Space().Number(part.Lines);
        }

        if (extended)
        {
            w.Space().NString(part.ContentMd5).Space();
            Disposition(w, part);
            w.Space();
            Language(w, part.ContentLanguage);
            w.Space().NString(part.ContentLocation);
        }

        w.Raw(")");
    }

    private static void Parameters(ResponseWriter w, IReadOnlyList<MimeParameter>? parameters)
    {
        if (parameters is null || parameters.Count == 0)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(");
        var first = true;
        foreach (var p in parameters)
        {
            if (!first)
            {
                w.Space();
            }

            first = false;
            w.String(p.Name).Space().String(p.Value);
        }

        w.Raw(")");
    }

    private static void Disposition(ResponseWriter w, BodyPart part)
    {
        if (part.Disposition is null)
        {
            w.Raw("NIL");
            return;
        }

        w.Raw("(").String(part.Disposition).Space();
        Parameters(w, part.DispositionParameters);
        w.Raw(")");
    }

    private static void Language(ResponseWriter w, IReadOnlyList<string>? languages)
    {
        if (languages is null || languages.Count == 0)
        {
            w.Raw("NIL");
        }
        else
        {
            // body-fld-lang = nstring / "(" string *(SP string) ")": a list even for one, as Dovecot writes it.
            w.Raw("(");
            for (var i = 0; i < languages.Count; i++)
            {
                if (i > 0)
                {
                    w.Space();
                }

                w.String(languages[i]);
            }

            w.Raw(")");
        }
    }
}
