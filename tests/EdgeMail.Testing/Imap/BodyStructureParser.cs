namespace EdgeMail.Testing.Imap;

// RFC 9051 §9 / RFC 3501 §9: body, body-type-1part, body-type-basic, body-type-msg, body-type-text,
// body-type-mpart, body-fields, body-ext-1part, body-ext-mpart, body-extension; meanings in RFC 9051 §7.5.2.

/// <summary>BODY and BODYSTRUCTURE: the part tree, with the fields each media type requires.</summary>
internal static class BodyStructureParser
{
    // body = "(" (body-type-1part / body-type-mpart) ")".
    public static ImapBodyStructure ReadBody(ImapSyntaxReader r, int depth)
    {
        if (depth > ImapSyntaxReader.MaxDepth)
        {
            throw r.Fail($"at most {ImapSyntaxReader.MaxDepth} nested body parts");
        }

        r.Expect((byte)'(', "'(' opening a body");
        var body = r.Peek() == '(' ? ReadMultipart(r, depth) : ReadSinglePart(r, depth);
        r.Expect((byte)')', $"')' closing the {body.MediaType} body (or SP and further extension data)");
        return body;
    }

    // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart] (the bodies follow one another without SP).
    private static ImapBodyStructure ReadMultipart(ImapSyntaxReader r, int depth)
    {
        var parts = new List<ImapBodyStructure>();
        do
        {
            parts.Add(ReadBody(r, depth + 1));
        }
        while (r.Peek() == '(');

        r.Sp("and media-subtype after the parts of a multipart body");
        var subtype = r.ReadString("media-subtype of a multipart").Value ?? string.Empty;
        if (!r.TryTake((byte)' '))
        {
            return new ImapBodyStructure { IsMultipart = true, Type = "MULTIPART", Subtype = subtype, Parts = parts };
        }

        // body-ext-mpart = body-fld-param [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]].
        var parameters = ReadParams(r, "multipart body-fld-param");
        var ext = ReadExtensionTail(r, depth);
        return new ImapBodyStructure
        {
            IsMultipart = true,
            Type = "MULTIPART",
            Subtype = subtype,
            Parts = parts,
            Parameters = parameters,
            HasExtensionData = true,
            Disposition = ext.Disposition,
            Languages = ext.Languages,
            Location = ext.Location,
            FurtherExtensions = ext.Further,
        };
    }

    // body-type-1part = (body-type-basic / body-type-msg / body-type-text) [SP body-ext-1part].
    private static ImapBodyStructure ReadSinglePart(ImapSyntaxReader r, int depth)
    {
        var type = r.ReadString("media type of a body part").Value ?? string.Empty;
        r.Sp("after the media type");
        var subtype = r.ReadString("media-subtype of a body part").Value ?? string.Empty;
        var media = $"{type}/{subtype}";

        // body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets.
        r.Sp($"and body-fld-param after the {media} media type");
        var parameters = ReadParams(r, $"body-fld-param of {media}");
        r.Sp($"and body-fld-id after body-fld-param of {media}");
        var id = r.ReadNString($"body-fld-id of {media}");
        r.Sp($"and body-fld-desc after body-fld-id of {media}");
        var description = r.ReadNString($"body-fld-desc of {media}");
        r.Sp($"and body-fld-enc after body-fld-desc of {media}");
        var encoding = r.ReadString($"body-fld-enc of {media}").Value ?? string.Empty;
        r.Sp($"and body-fld-octets after body-fld-enc of {media}");
        var octets = r.ReadNumber($"body-fld-octets (number) of {media}");

        ImapEnvelope? envelope = null;
        ImapBodyStructure? message = null;
        long? lines = null;
        var isMessage = type.Equals("MESSAGE", StringComparison.OrdinalIgnoreCase)
            && (subtype.Equals("RFC822", StringComparison.OrdinalIgnoreCase) || subtype.Equals("GLOBAL", StringComparison.OrdinalIgnoreCase));
        if (isMessage)
        {
            // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines.
            const string Rule = "(body-type-msg needs envelope, body and body-fld-lines, RFC 9051 §9)";
            r.Sp($"and the envelope after body-fld-octets of {media} {Rule}");
            if (r.Peek() != '(')
            {
                throw r.Fail($"'(' opening the envelope of {media} {Rule}");
            }

            envelope = EnvelopeParser.ReadEnvelope(r);
            r.Sp($"and the body after the envelope of {media} {Rule}");
            message = ReadBody(r, depth + 1);
            r.Sp($"and body-fld-lines after the body of {media} {Rule}");
            lines = r.ReadNumber64($"body-fld-lines (number64) of {media} {Rule}");
        }
        else if (type.Equals("TEXT", StringComparison.OrdinalIgnoreCase))
        {
            // body-type-text = media-text SP body-fields SP body-fld-lines.
            r.Sp($"and body-fld-lines after body-fld-octets of {media} (body-type-text needs lines, RFC 9051 §9)");
            lines = r.ReadNumber64($"body-fld-lines (number64) of {media} (body-type-text needs lines, RFC 9051 §9)");
        }

        // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]].
        var hasExtension = r.TryTake((byte)' ');
        var md5 = hasExtension ? r.ReadNString($"body-fld-md5 (nstring, the first extension field) of {media}") : null;
        var ext = hasExtension ? ReadExtensionTail(r, depth) : default;
        return new ImapBodyStructure
        {
            Type = type,
            Subtype = subtype,
            Parameters = parameters,
            Id = id,
            Description = description,
            Encoding = encoding,
            Octets = octets,
            Lines = lines,
            Envelope = envelope,
            Message = message,
            HasExtensionData = hasExtension,
            Md5 = md5,
            Disposition = ext.Disposition,
            Languages = ext.Languages,
            Location = ext.Location,
            FurtherExtensions = ext.Further,
        };
    }

    private readonly record struct ExtensionTail(ImapDisposition? Disposition, List<string>? Languages, ImapString? Location, int Further);

    // [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]].
    private static ExtensionTail ReadExtensionTail(ImapSyntaxReader r, int depth)
    {
        if (!r.TryTake((byte)' '))
        {
            return default;
        }

        // body-fld-dsp = "(" string SP body-fld-param ")" / nil.
        ImapDisposition? disposition = null;
        if (!r.TryNil())
        {
            r.Expect((byte)'(', "'(' or NIL for body-fld-dsp");
            var type = r.ReadString("disposition type").Value ?? string.Empty;
            r.Sp("after the disposition type");
            disposition = new ImapDisposition { Type = type, Parameters = ReadParams(r, "disposition body-fld-param") };
            r.Expect((byte)')', "')' closing body-fld-dsp");
        }

        if (!r.TryTake((byte)' '))
        {
            return new(disposition, null, null, 0);
        }

        // body-fld-lang = nstring / "(" string *(SP string) ")".
        List<string>? languages = null;
        if (r.Peek() == '(')
        {
            languages = r.ReadList("body-fld-lang", x => x.ReadString("language tag").Value ?? string.Empty, allowEmpty: false);
        }
        else
        {
            var one = r.ReadNString("body-fld-lang (nstring or list of strings)");
            languages = one.IsNil ? null : [one.Value!];
        }

        if (!r.TryTake((byte)' '))
        {
            return new(disposition, languages, null, 0);
        }

        var location = r.ReadNString("body-fld-loc (nstring)");
        var further = 0;
        while (r.TryTake((byte)' '))
        {
            ReadBodyExtension(r, depth + 1);
            further++;
        }

        return new(disposition, languages, location, further);
    }

    // body-extension = nstring / number / number64 / "(" body-extension *(SP body-extension) ")".
    private static void ReadBodyExtension(ImapSyntaxReader r, int depth)
    {
        if (depth > ImapSyntaxReader.MaxDepth)
        {
            throw r.Fail($"at most {ImapSyntaxReader.MaxDepth} nested body-extension lists");
        }

        if (r.Peek() == '(')
        {
            r.ReadList("body-extension list", x =>
            {
                ReadBodyExtension(x, depth + 1);
                return 0;
            }, allowEmpty: false);
        }
        else if (r.Peek() is >= '0' and <= '9')
        {
            r.ReadNumber64("body-extension number");
        }
        else
        {
            r.ReadNString("body-extension (nstring, number or list)");
        }
    }

    // body-fld-param = "(" string SP string *(SP string SP string) ")" / nil.
    private static List<KeyValuePair<string, string>>? ReadParams(ImapSyntaxReader r, string context)
    {
        if (r.TryNil())
        {
            return null;
        }

        r.Expect((byte)'(', $"'(' or NIL for {context}");
        var list = new List<KeyValuePair<string, string>>();
        while (true)
        {
            var name = r.ReadString($"parameter name in {context}").Value ?? string.Empty;
            r.Sp($"between a parameter name and its value in {context}");
            var value = r.ReadString($"parameter value in {context}").Value ?? string.Empty;
            list.Add(new(name, value));
            if (r.TryTake((byte)')'))
            {
                return list;
            }

            r.Expect((byte)' ', $"SP or ')' after a parameter value in {context}");
        }
    }
}
