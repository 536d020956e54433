using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Mime;

namespace EdgeMail.Imap.Commands;

/// <summary>
/// BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, §9 "body"): from the part tree computed at delivery. BODYSTRUCTURE
/// adds the extension data (MD5, disposition, language, location; for multiparts, parameters first).
/// </summary>
internal static class BodyStructureWriter
{
    public static void Write(ResponseWriter w, BodyPart part, bool extended)
    {
        if (part.Parts is { Count: > 0 } children && part.MediaType.Equals("multipart", StringComparison.OrdinalIgnoreCase))
        {
            w.Raw("(");
            foreach (var child in children)
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

        w.Raw("(").String(part.MediaType).Space().String(part.MediaSubtype).Space();
        Parameters(w, part.Parameters);
        w.Space().NString(part.ContentId).Space().NString(part.ContentDescription).Space()
            .String(part.ContentTransferEncoding ?? "7BIT").Space().Number(part.ContentLength);
        if (part.MediaType.Equals("message", StringComparison.OrdinalIgnoreCase)
            && part.MediaSubtype.Equals("rfc822", StringComparison.OrdinalIgnoreCase)
            && part.Parts is [var embedded] && part.MessageEnvelope is { } envelope)
        {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines.
            w.Space();
            EnvelopeWriter.Write(w, envelope);
            w.Space();
            Write(w, embedded, extended);
            w.Space().Number(part.Lines);
        }
        else if (part.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase))
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
        else if (languages.Count == 1)
        {
            w.String(languages[0]);
        }
        else
        {
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
