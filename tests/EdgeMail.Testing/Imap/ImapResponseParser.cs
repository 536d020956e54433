namespace EdgeMail.Testing.Imap;

// RFC 9051 §9 and RFC 3501 §9 (response, response-data, response-tagged, continue-req, resp-text, resp-text-code);
// CONDSTORE/QRESYNC: RFC 7162 §7; ESEARCH: RFC 4731 §3.1; ID: RFC 2971 §4; NAMESPACE: RFC 2342 §6.

/// <summary>
/// A strict recursive-descent parser of server responses: any byte the grammar does not allow throws
/// <see cref="ImapSyntaxException"/> with its offset and what was expected.
/// </summary>
public static class ImapResponseParser
{
    /// <summary>Parses exactly one response (CRLF included) and nothing after it.</summary>
    public static ImapResponse Parse(byte[] response)
    {
        var r = new ImapSyntaxReader(response);
        var parsed = ParseOne(r);
        if (r.Position != response.Length)
        {
            throw r.Fail("end of the response after its CRLF");
        }

        return parsed;
    }

    /// <summary>Parses a sequence of whole responses, as a server would send them on one connection.</summary>
    public static List<ImapResponse> ParseAll(byte[] data)
    {
        var list = new List<ImapResponse>();
        var r = new ImapSyntaxReader(data);
        while (r.Position < data.Length)
        {
            list.Add(ParseOne(r));
        }

        return list;
    }

    private static ImapResponse ParseOne(ImapSyntaxReader r)
    {
        var start = r.Position;
        var response = new ImapResponse();
        if (r.TryTake((byte)'+'))
        {
            // RFC 9051 §9: continue-req = "+" SP (resp-text / base64) CRLF; text may be empty (base64 may be empty).
            response.Kind = ImapResponseKind.Continuation;
            response.Name = "+";
            r.Sp("after '+' of a continuation request");
            response.Text = r.Peek() == '\r' ? new ImapResponseText() : ReadRespText(r);
        }
        else if (r.TryTake((byte)'*'))
        {
            response.Kind = ImapResponseKind.Untagged;
            r.Sp("after '*' of an untagged response");
            ReadUntagged(r, response);
        }
        else
        {
            // RFC 9051 §9: response-tagged = tag SP resp-cond-state CRLF; tag = 1*<any ASTRING-CHAR except "+">.
            response.Kind = ImapResponseKind.Tagged;
            var tagStart = r.Position;
            while (ImapSyntaxReader.IsAstringChar(r.Peek()) && r.Peek() != '+')
            {
                r.Position++;
            }

            if (r.Position == tagStart)
            {
                throw r.Fail("'*', '+' or a tag starting a response");
            }

            response.Tag = System.Text.Encoding.ASCII.GetString(r.Data, tagStart, r.Position - tagStart);
            r.Sp("after the tag");
            var at = r.Position;
            var name = r.ReadKeyword("OK, NO or BAD after the tag");
            if (name is not ("OK" or "NO" or "BAD"))
            {
                throw r.FailAt(at, "OK, NO or BAD after the tag (RFC 9051 §9 resp-cond-state)");
            }

            response.Name = name;
            r.Sp($"after {name}");
            response.Text = ReadRespText(r);
        }

        r.Crlf();
        response.Raw = r.Data.AsSpan(start, r.Position - start).ToArray();
        return response;
    }

    private static void ReadUntagged(ImapSyntaxReader r, ImapResponse response)
    {
        if (r.Peek() is >= '0' and <= '9')
        {
            ReadNumbered(r, response);
            return;
        }

        var at = r.Position;
        var name = r.ReadKeyword("a number or a response name after '* '");
        response.Name = name;
        switch (name)
        {
            case "OK" or "NO" or "BAD" or "BYE" or "PREAUTH":
                // RFC 9051 §9: resp-cond-state, resp-cond-bye, resp-cond-auth.
                r.Sp($"after {name}");
                response.Text = ReadRespText(r);
                break;
            case "CAPABILITY":
                response.Capabilities = MailboxDataParser.ReadCapabilities(r);
                break;
            case "ENABLED":
                // RFC 5161 §4: enable-data = "ENABLED" *(SP capability).
                var enabled = new List<string>();
                while (r.TryTake((byte)' '))
                {
                    enabled.Add(r.ReadAtom("capability in ENABLED"));
                }

                response.Capabilities = enabled;
                break;
            case "FLAGS":
                r.Sp("after FLAGS");
                response.Flags = r.ReadList("flag-list of FLAGS", x => x.ReadFlag("FLAGS"));
                break;
            case "LIST" or "LSUB":
                r.Sp($"after {name}");
                response.List = MailboxDataParser.ReadMailboxList(r);
                break;
            case "STATUS":
                r.Sp("after STATUS");
                response.MailboxStatus = MailboxDataParser.ReadStatus(r);
                break;
            case "SEARCH":
                response.Search = MailboxDataParser.ReadSearch(r);
                break;
            case "ESEARCH":
                response.ESearch = MailboxDataParser.ReadESearch(r);
                break;
            case "VANISHED":
                response.Vanished = MailboxDataParser.ReadVanished(r);
                break;
            case "ID":
                r.Sp("after ID");
                response.Id = MailboxDataParser.ReadId(r);
                break;
            case "NAMESPACE":
                r.Sp("after NAMESPACE");
                response.Namespace = MailboxDataParser.ReadNamespace(r);
                break;
            default:
                throw r.FailAt(at, "an untagged response name (OK, NO, BAD, BYE, PREAUTH, CAPABILITY, ENABLED, FLAGS, LIST, LSUB, STATUS, SEARCH, ESEARCH, VANISHED, ID, NAMESPACE) or a number");
        }
    }

    // RFC 9051 §9: mailbox-data =/ number SP "EXISTS"; message-data = nz-number SP ("EXPUNGE" / ("FETCH" SP msg-att));
    // RFC 3501 §9: number SP "RECENT".
    private static void ReadNumbered(ImapSyntaxReader r, ImapResponse response)
    {
        var numberAt = r.Position;
        var number = r.ReadNumber("number");
        r.Sp("after the message number");
        var at = r.Position;
        var name = r.ReadKeyword("EXISTS, RECENT, EXPUNGE or FETCH after the number");
        response.Name = name;
        response.Number = number;
        switch (name)
        {
            case "EXISTS" or "RECENT":
                break;
            case "EXPUNGE" or "FETCH":
                if (number == 0)
                {
                    throw r.FailAt(numberAt, $"nz-number before {name} (message sequence numbers start at 1)");
                }

                if (name == "FETCH")
                {
                    r.Sp("after FETCH");
                    response.Fetch = FetchItemParser.ReadMsgAtt(r, number);
                }

                break;
            default:
                throw r.FailAt(at, "EXISTS, RECENT, EXPUNGE or FETCH after the number");
        }
    }

    // RFC 9051 §9: resp-text = ["[" resp-text-code "]" SP] [text]. RFC 3501 required text; RFC 9051 made it optional.
    internal static ImapResponseText ReadRespText(ImapSyntaxReader r)
    {
        ImapResponseCode? code = null;
        if (r.TryTake((byte)'['))
        {
            code = ReadRespTextCode(r);
            r.Expect((byte)']', $"']' closing the response code {code.Name}");
            if (r.Peek() == '\r')
            {
                throw r.Fail("SP after ']' (RFC 9051 §9 resp-text: \"[\" resp-text-code \"]\" SP [text])");
            }

            r.Sp("after the response code");
        }

        return new ImapResponseText { Code = code, Text = r.ReadText() };
    }

    private static ImapResponseCode ReadRespTextCode(ImapSyntaxReader r)
    {
        var name = r.ReadAtom("response code name (atom)").ToUpperInvariant();
        var argsStart = r.Position + 1;
        ulong? number = null;
        IReadOnlyList<string>? items = null;
        switch (name)
        {
            case "ALERT" or "PARSE" or "READ-ONLY" or "READ-WRITE" or "TRYCREATE" or "UIDNOTSTICKY" or "UNAVAILABLE"
                or "AUTHENTICATIONFAILED" or "AUTHORIZATIONFAILED" or "EXPIRED" or "PRIVACYREQUIRED" or "CONTACTADMIN"
                or "NOPERM" or "INUSE" or "EXPUNGEISSUED" or "CORRUPTION" or "SERVERBUG" or "CLIENTBUG" or "CANNOT"
                or "LIMIT" or "OVERQUOTA" or "ALREADYEXISTS" or "NONEXISTENT" or "NOTSAVED" or "HASCHILDREN"
                or "CLOSED" or "UNKNOWN-CTE" or "NOMODSEQ":
                // RFC 9051 §7.1, RFC 5530, RFC 7162 §3.1.2.2: these codes take no argument.
                if (r.Peek() != ']')
                {
                    throw r.Fail($"']' ({name} takes no argument)");
                }

                return new ImapResponseCode { Name = name };
            case "BADCHARSET":
                // RFC 9051 §9: "BADCHARSET" [SP "(" charset *(SP charset) ")"]; charset = atom / quoted.
                if (r.TryTake((byte)' '))
                {
                    items = r.ReadList("BADCHARSET charsets", x => x.ReadAstring("charset").Value ?? string.Empty, allowEmpty: false);
                }

                break;
            case "CAPABILITY":
                items = MailboxDataParser.ReadCapabilities(r);
                break;
            case "PERMANENTFLAGS":
                r.Sp("after PERMANENTFLAGS");
                items = r.ReadList("PERMANENTFLAGS flags", x => x.ReadFlag("PERMANENTFLAGS", allowStar: true));
                break;
            case "UIDNEXT" or "UIDVALIDITY" or "UNSEEN":
                r.Sp($"after {name}");
                number = r.ReadNzNumber($"nz-number after {name}");
                break;
            case "HIGHESTMODSEQ":
                // RFC 7162 §7: "HIGHESTMODSEQ" SP mod-sequence-value.
                r.Sp("after HIGHESTMODSEQ");
                number = r.ReadModSeq("mod-sequence-value after HIGHESTMODSEQ");
                break;
            case "MODIFIED":
                // RFC 7162 §7: "MODIFIED" SP sequence-set.
                r.Sp("after MODIFIED");
                items = [r.ReadSequenceSet("MODIFIED", allowStar: false)];
                break;
            case "APPENDUID":
                // RFC 4315 §4: "APPENDUID" SP nz-number SP append-uid (uniqueid, or uid-set for MULTIAPPEND).
                r.Sp("after APPENDUID");
                number = r.ReadNzNumber("UIDVALIDITY (nz-number) in APPENDUID");
                r.Sp("after the UIDVALIDITY of APPENDUID");
                items = [r.ReadSequenceSet("APPENDUID", allowStar: false)];
                break;
            case "COPYUID":
                // RFC 4315 §4: "COPYUID" SP nz-number SP uid-set SP uid-set.
                r.Sp("after COPYUID");
                number = r.ReadNzNumber("UIDVALIDITY (nz-number) in COPYUID");
                r.Sp("after the UIDVALIDITY of COPYUID");
                var source = r.ReadSequenceSet("COPYUID source", allowStar: false);
                r.Sp("between the uid-sets of COPYUID");
                items = [source, r.ReadSequenceSet("COPYUID destination", allowStar: false)];
                break;
            default:
                // RFC 9051 §9: atom [SP 1*<any TEXT-CHAR except "]">].
                if (r.TryTake((byte)' '))
                {
                    var textStart = r.Position;
                    while (r.Peek() is not (']' or '\r' or '\n' or 0 or -1) and < 0x80)
                    {
                        r.Position++;
                    }

                    if (r.Position == textStart)
                    {
                        throw r.Fail($"1*<TEXT-CHAR except \"]\"> after the SP of response code {name}");
                    }
                }

                break;
        }

        var arguments = r.Position > argsStart ? System.Text.Encoding.UTF8.GetString(r.Data, argsStart, r.Position - argsStart) : null;
        if (r.Peek() != ']')
        {
            throw r.Fail($"']' closing the response code {name}");
        }

        return new ImapResponseCode { Name = name, Arguments = arguments, Number = number, Items = items };
    }
}
