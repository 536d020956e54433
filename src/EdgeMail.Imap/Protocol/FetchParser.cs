namespace EdgeMail.Imap.Protocol;

/// <summary>Parses fetch-att lists and macros (RFC 9051 §9 "fetch-att").</summary>
public static class FetchParser
{
    public static FetchRequest Parse(ref ImapReader args)
    {
        args.ReadSpace();
        var request = new FetchRequest { Set = args.ReadSequenceSet() };
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            do
            {
                ReadItem(ref args, request);
            }
            while (args.TryReadSpace());
            args.Expect(')');
        }
        else if (args.TryReadKeyword("ALL"))
        {
            // RFC 9051 §6.4.5 macros.
            request.Flags = request.InternalDate = request.Size = request.Envelope = true;
        }
        else if (args.TryReadKeyword("FAST"))
        {
            request.Flags = request.InternalDate = request.Size = true;
        }
        else if (args.TryReadKeyword("FULL"))
        {
            request.Flags = request.InternalDate = request.Size = request.Envelope = request.Body = true;
        }
        else
        {
            ReadItem(ref args, request);
        }

        if (args.TryReadSpace())
        {
            // RFC 4466 §2.4 fetch-modifiers: (CHANGEDSINCE n [VANISHED]).
            args.Expect('(');
            do
            {
                if (args.TryReadKeyword("CHANGEDSINCE"))
                {
                    args.ReadSpace();
                    request.ChangedSince = args.ReadNumber64();
                    request.ModSeq = true;
                }
                else if (args.TryReadKeyword("VANISHED"))
                {
                    request.Vanished = true;
                }
                else
                {
                    throw new ImapParseException("unknown FETCH modifier");
                }
            }
            while (args.TryReadSpace());
            args.Expect(')');
        }

        args.ExpectEnd();
        if (request.Vanished && request.ChangedSince is null)
        {
            // RFC 7162 §3.2.6: VANISHED needs CHANGEDSINCE.
            throw new ImapParseException("VANISHED needs CHANGEDSINCE");
        }

        return request;
    }

    private static void ReadItem(ref ImapReader args, FetchRequest request)
    {
        if (args.TryReadKeyword("FLAGS"))
        {
            request.Flags = true;
        }
        else if (args.TryReadKeyword("INTERNALDATE"))
        {
            request.InternalDate = true;
        }
        else if (args.TryReadKeyword("RFC822.SIZE"))
        {
            request.Size = true;
        }
        else if (args.TryReadKeyword("RFC822.HEADER"))
        {
            request.Sections.Add(new SectionItem(false, false, true, [], SectionText.Header, null, null, null, "RFC822.HEADER"));
        }
        else if (args.TryReadKeyword("RFC822.TEXT"))
        {
            request.Sections.Add(new SectionItem(false, false, false, [], SectionText.Text, null, null, null, "RFC822.TEXT"));
        }
        else if (args.TryReadKeyword("RFC822"))
        {
            request.Sections.Add(new SectionItem(false, false, false, [], SectionText.None, null, null, null, "RFC822"));
        }
        else if (args.TryReadKeyword("ENVELOPE"))
        {
            request.Envelope = true;
        }
        else if (args.TryReadKeyword("BODYSTRUCTURE"))
        {
            request.BodyStructure = true;
        }
        else if (args.TryReadKeyword("UID"))
        {
            request.Uid = true;
        }
        else if (args.TryReadKeyword("MODSEQ"))
        {
            request.ModSeq = true;
        }
        else if (args.TryReadKeyword("BINARY.SIZE"))
        {
            request.Sections.Add(ReadSection(ref args, binary: true, sizeOnly: true, peek: true, "BINARY.SIZE"));
        }
        else if (args.TryReadKeyword("BINARY.PEEK"))
        {
            request.Sections.Add(ReadSection(ref args, binary: true, sizeOnly: false, peek: true, "BINARY"));
        }
        else if (args.TryReadKeyword("BINARY"))
        {
            request.Sections.Add(ReadSection(ref args, binary: true, sizeOnly: false, peek: false, "BINARY"));
        }
        else if (args.TryReadKeyword("BODY.PEEK"))
        {
            request.Sections.Add(ReadSection(ref args, binary: false, sizeOnly: false, peek: true, "BODY"));
        }
        else if (args.TryReadKeyword("BODY"))
        {
            if (args.Peek == '[')
            {
                request.Sections.Add(ReadSection(ref args, binary: false, sizeOnly: false, peek: false, "BODY"));
            }
            else
            {
                request.Body = true;
            }
        }
        else
        {
            throw new ImapParseException("unknown FETCH item");
        }
    }

    private static SectionItem ReadSection(ref ImapReader args, bool binary, bool sizeOnly, bool peek, string name)
    {
        var start = args.Position;
        args.Expect('[');
        var part = new List<int>();
        var text = SectionText.None;
        List<string>? fields = null;
        var afterDot = false;
        while (args.TryReadNumber(out var n))
        {
            if (n == 0 || part.Count >= 64)
            {
                throw new ImapParseException("invalid section part number");
            }

            part.Add((int)n);
            afterDot = args.TryReadByte((byte)'.');
            if (!afterDot)
            {
                break;
            }
        }

        // RFC 9051 §9 section-spec: a "." after a part number is followed by a number or a section-text.
        if (afterDot && args.Peek == ']')
        {
            throw new ImapParseException("invalid section");
        }

        if (args.Peek != ']')
        {
            if (binary)
            {
                // RFC 3516 §4.1: BINARY takes part numbers only.
                throw new ImapParseException("BINARY takes a part number only");
            }

            if (args.TryReadKeyword("HEADER.FIELDS.NOT"))
            {
                text = SectionText.HeaderFieldsNot;
            }
            else if (args.TryReadKeyword("HEADER.FIELDS"))
            {
                text = SectionText.HeaderFields;
            }
            else if (args.TryReadKeyword("HEADER"))
            {
                text = SectionText.Header;
            }
            else if (args.TryReadKeyword("TEXT"))
            {
                text = SectionText.Text;
            }
            else if (args.TryReadKeyword("MIME") && part.Count > 0)
            {
                text = SectionText.Mime;
            }
            else
            {
                throw new ImapParseException("invalid section");
            }

            if (text is SectionText.HeaderFields or SectionText.HeaderFieldsNot)
            {
                args.ReadSpace();
                args.Expect('(');
                fields = [];
                do
                {
                    fields.Add(args.ReadAstring().ToUpperInvariant());
                }
                while (args.TryReadSpace());
                args.Expect(')');
            }
        }

        args.Expect(']');
        var sectionLabel = new System.Text.StringBuilder(name).Append('[');
        sectionLabel.AppendJoin('.', part);
        if (text != SectionText.None)
        {
            if (part.Count > 0)
            {
                sectionLabel.Append('.');
            }

            sectionLabel.Append(text switch
            {
                SectionText.Header => "HEADER",
                SectionText.HeaderFields => "HEADER.FIELDS",
                SectionText.HeaderFieldsNot => "HEADER.FIELDS.NOT",
                SectionText.Text => "TEXT",
                _ => "MIME",
            });
            if (fields is not null)
            {
                sectionLabel.Append(" (").AppendJoin(' ', fields).Append(')');
            }
        }

        sectionLabel.Append(']');
        long? partialStart = null, partialCount = null;
        if (!sizeOnly && args.TryReadByte((byte)'<'))
        {
            partialStart = (long)args.ReadNumber64();
            args.Expect('.');
            partialCount = (long)args.ReadNumber64();
            if (partialCount == 0)
            {
                throw new ImapParseException("a partial range needs a non-zero length");
            }

            args.Expect('>');
        }

        _ = start;
        return new SectionItem(binary, sizeOnly, peek, part, text, fields, partialStart, partialCount, sectionLabel.ToString());
    }
}
