namespace EdgeMail.Testing.Imap;

// RFC 9051 §9 mailbox-data, capability-data, namespace-response; RFC 3501 §9; LIST-EXTENDED: RFC 5258 §4;
// ESEARCH: RFC 4731 §3.1; VANISHED: RFC 7162 §3.2.10, §7; ID: RFC 2971 §4; NAMESPACE: RFC 2342 §6.

/// <summary>The untagged responses other than status responses and FETCH.</summary>
internal static class MailboxDataParser
{
    // RFC 9051 §9: capability-data = "CAPABILITY" *(SP capability) SP "IMAP4rev2" *(SP capability);
    // RFC 3501 §9 the same with "IMAP4rev1"; capability = ("AUTH=" auth-type) / atom.
    public static List<string> ReadCapabilities(ImapSyntaxReader r)
    {
        var at = r.Position;
        var list = new List<string>();
        while (r.Peek() == ' ')
        {
            r.Position++;
            list.Add(r.ReadAtom("capability (atom)"));
        }

        if (!list.Exists(c => c.Equals("IMAP4rev2", StringComparison.OrdinalIgnoreCase) || c.Equals("IMAP4rev1", StringComparison.OrdinalIgnoreCase)))
        {
            throw r.FailAt(at, "a capability list including IMAP4rev2 or IMAP4rev1 (RFC 9051 §9 capability-data)");
        }

        return list;
    }

    // RFC 9051 §9: mailbox-list = "(" [mbx-list-flags] ")" SP (DQUOTE QUOTED-CHAR DQUOTE / nil) SP mailbox
    // [SP mbox-list-extended]; mbx-list-flags are "\" atom.
    public static ImapListItem ReadMailboxList(ImapSyntaxReader r)
    {
        var attributes = r.ReadList("mbx-list-flags", x =>
        {
            x.Expect((byte)'\\', "'\\' starting a mailbox attribute (mbx-list-flag)");
            return "\\" + x.ReadAtom("atom of a mailbox attribute");
        });
        r.Sp("after the mailbox attributes");
        var delimiter = ReadDelimiter(r, "LIST");
        r.Sp("after the hierarchy delimiter");
        var mailbox = r.ReadAstring("mailbox name");
        var extended = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string>? childInfo = null;
        ImapString? oldName = null;
        if (r.TryTake((byte)' '))
        {
            // RFC 5258 §4: mbox-list-extended = "(" [mbox-list-extended-item *(SP mbox-list-extended-item)] ")";
            // mbox-list-extended-item = mbox-list-extended-item-tag SP tagged-ext-val.
            r.ReadList("mbox-list-extended", x =>
            {
                var tagAt = x.Position;
                var tag = (x.ReadAstring("mbox-list-extended-item-tag").Value ?? string.Empty).ToUpperInvariant();
                if (extended.ContainsKey(tag))
                {
                    throw x.FailAt(tagAt, $"a LIST extended item other than {tag} (it appears twice)");
                }

                x.Sp($"after the extended item tag {tag}");
                var valueStart = x.Position;
                if (tag == "CHILDINFO")
                {
                    // RFC 5258 §4: childinfo-extended-item = "CHILDINFO" SP "(" list-select-base-opt-quoted *(SP ...) ")".
                    childInfo = x.ReadList("CHILDINFO", y => y.ReadString("CHILDINFO option").Value ?? string.Empty, allowEmpty: false);
                }
                else if (tag == "OLDNAME")
                {
                    // RFC 9051 §9: oldname-extended-item = "OLDNAME" SP "(" mailbox ")".
                    x.Expect((byte)'(', "'(' opening OLDNAME");
                    oldName = x.ReadAstring("OLDNAME mailbox");
                    x.Expect((byte)')', "')' closing OLDNAME");
                }
                else
                {
                    ReadTaggedExtVal(x, tag, 0);
                }

                extended[tag] = System.Text.Encoding.UTF8.GetString(x.Data, valueStart, x.Position - valueStart);
                return tag;
            });
        }

        return new ImapListItem { Attributes = attributes, Delimiter = delimiter, Mailbox = mailbox, Extended = extended, ChildInfo = childInfo, OldName = oldName };
    }

    // RFC 9051 §9: DQUOTE QUOTED-CHAR DQUOTE / nil.
    private static char? ReadDelimiter(ImapSyntaxReader r, string context)
    {
        if (r.TryNil())
        {
            return null;
        }

        var at = r.Position;
        var value = r.ReadQuoted($"hierarchy delimiter of {context}").Bytes!;
        if (value.Length != 1 || value[0] >= 0x80)
        {
            throw r.FailAt(at, "a hierarchy delimiter of exactly one QUOTED-CHAR, or NIL");
        }

        return (char)value[0];
    }

    // RFC 4466 §2.1: tagged-ext-val = tagged-ext-simple / "(" [tagged-ext-comp] ")"; tagged-ext-simple =
    // sequence-set / number / number64; tagged-ext-comp = astring / tagged-ext-comp *(SP tagged-ext-comp) /
    // "(" tagged-ext-comp ")".
    private static void ReadTaggedExtVal(ImapSyntaxReader r, string context, int depth)
    {
        if (r.Peek() == '(')
        {
            ReadTaggedExtComp(r, context, depth + 1);
            return;
        }

        if (r.Peek() is >= '0' and <= '9' or '*')
        {
            r.ReadSequenceSet(context, allowStar: true);
            return;
        }

        throw r.Fail($"tagged-ext-val (sequence-set, number or parenthesized list) for {context}");
    }

    private static void ReadTaggedExtComp(ImapSyntaxReader r, string context, int depth)
    {
        if (depth > ImapSyntaxReader.MaxDepth)
        {
            throw r.Fail($"at most {ImapSyntaxReader.MaxDepth} nested lists in {context}");
        }

        r.ReadList(context, x =>
        {
            if (x.Peek() == '(')
            {
                ReadTaggedExtComp(x, context, depth + 1);
            }
            else
            {
                x.ReadAstring($"tagged-ext-comp of {context}");
            }

            return 0;
        });
    }

    // RFC 9051 §9: "STATUS" SP mailbox SP "(" [status-att-list] ")"; status-att-val (RFC 9051, RFC 7162 §7,
    // RFC 8438, RFC 7889).
    public static ImapMailboxStatus ReadStatus(ImapSyntaxReader r)
    {
        var mailbox = r.ReadAstring("mailbox of STATUS");
        r.Sp("after the STATUS mailbox");
        var attributes = new Dictionary<string, long?>(StringComparer.Ordinal);
        r.ReadList("status-att-list", x =>
        {
            var at = x.Position;
            var name = x.ReadKeyword("status attribute (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, APPENDLIMIT)");
            if (attributes.ContainsKey(name))
            {
                throw x.FailAt(at, $"a status attribute other than {name} (it appears twice)");
            }

            x.Sp($"after {name}");
            long? value = name switch
            {
                "MESSAGES" or "UNSEEN" or "DELETED" or "RECENT" => x.ReadNumber($"number after {name}"),
                "UIDNEXT" or "UIDVALIDITY" => x.ReadNzNumber($"nz-number after {name}"),
                "SIZE" => x.ReadNumber64("number64 after SIZE"),
                "HIGHESTMODSEQ" => (long)x.ReadModSeq("mod-sequence-valzer after HIGHESTMODSEQ", allowZero: true),
                "APPENDLIMIT" => x.TryNil() ? null : x.ReadNumber64("number or NIL after APPENDLIMIT"),
                _ => throw x.FailAt(at, "status attribute (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE, RECENT, HIGHESTMODSEQ, APPENDLIMIT)"),
            };
            attributes[name] = value;
            return name;
        });
        return new ImapMailboxStatus { Mailbox = mailbox, Attributes = attributes };
    }

    // RFC 3501 §9: "SEARCH" *(SP nz-number); RFC 7162 §7: [SP "(" "MODSEQ" SP mod-sequence-value ")"].
    public static ImapSearchResult ReadSearch(ImapSyntaxReader r)
    {
        var numbers = new List<uint>();
        ulong? modSeq = null;
        while (r.TryTake((byte)' '))
        {
            if (r.TryTake((byte)'('))
            {
                if (!r.TryWord("MODSEQ"))
                {
                    throw r.Fail("MODSEQ in the search-sort-mod-seq");
                }

                r.Sp("after MODSEQ");
                modSeq = r.ReadModSeq("mod-sequence-value of SEARCH");
                r.Expect((byte)')', "')' closing the SEARCH MODSEQ");
                if (r.Peek() != '\r')
                {
                    throw r.Fail("CRLF (the MODSEQ list ends a SEARCH response)");
                }

                break;
            }

            numbers.Add(r.ReadNzNumber("nz-number in SEARCH"));
        }

        return new ImapSearchResult { Numbers = numbers, ModSeq = modSeq };
    }

    // RFC 4731 §3.1 / RFC 9051 §9: esearch-response = "ESEARCH" [search-correlator] [SP "UID"] *(SP search-return-data);
    // search-correlator = SP "(" "TAG" SP tag-string ")".
    public static ImapESearchResult ReadESearch(ImapSyntaxReader r)
    {
        ImapString? tag = null;
        var uid = false;
        uint? min = null, max = null, count = null;
        string? all = null;
        ulong? modSeq = null;
        var other = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (r.Peek() == ' ' && r.PeekAt(1) == '(')
        {
            r.Position += 2;
            if (!r.TryWord("TAG"))
            {
                throw r.Fail("TAG in the ESEARCH search-correlator");
            }

            r.Sp("after TAG");
            tag = r.ReadAstring("tag-string of the search-correlator");
            r.Expect((byte)')', "')' closing the search-correlator");
        }

        if (r.Peek() == ' ')
        {
            var save = r.Position;
            r.Position++;
            if (!r.TryWord("UID"))
            {
                r.Position = save;
            }
            else
            {
                uid = true;
            }
        }

        while (r.TryTake((byte)' '))
        {
            var at = r.Position;
            var name = r.ReadKeyword("search-return-data name (MIN, MAX, ALL, COUNT, MODSEQ)");
            if (!seen.Add(name))
            {
                throw r.FailAt(at, $"search-return-data other than {name} (it appears twice)");
            }

            r.Sp($"after {name}");
            switch (name)
            {
                case "MIN":
                    min = r.ReadNzNumber("nz-number after MIN");
                    break;
                case "MAX":
                    max = r.ReadNzNumber("nz-number after MAX");
                    break;
                case "COUNT":
                    count = r.ReadNumber("number after COUNT");
                    break;
                case "ALL":
                    all = r.ReadSequenceSet("ALL", allowStar: false);
                    break;
                case "MODSEQ":
                    modSeq = r.ReadModSeq("mod-sequence-value after MODSEQ");
                    break;
                default:
                    var valueStart = r.Position;
                    ReadTaggedExtVal(r, name, 0);
                    other[name] = System.Text.Encoding.UTF8.GetString(r.Data, valueStart, r.Position - valueStart);
                    break;
            }
        }

        return new ImapESearchResult { Tag = tag, Uid = uid, Min = min, Max = max, All = all, Count = count, ModSeq = modSeq, Other = other };
    }

    // RFC 7162 §7: expunged-resp = "VANISHED" [SP "(EARLIER)"] SP known-uids; known-uids has no "*".
    public static ImapVanished ReadVanished(ImapSyntaxReader r)
    {
        r.Sp("after VANISHED");
        var earlier = false;
        if (r.TryTake((byte)'('))
        {
            if (!r.TryWord("EARLIER"))
            {
                throw r.Fail("EARLIER inside \"(EARLIER)\"");
            }

            r.Expect((byte)')', "')' closing (EARLIER)");
            r.Sp("after (EARLIER)");
            earlier = true;
        }

        return new ImapVanished { Earlier = earlier, UidSet = r.ReadSequenceSet("VANISHED known-uids", allowStar: false) };
    }

    // RFC 2971 §4: id-response = "ID" SP id-params-list; id-params-list = "(" #(string SP nstring) ")" / nil.
    public static List<KeyValuePair<string, ImapString>>? ReadId(ImapSyntaxReader r)
    {
        if (r.TryNil())
        {
            return null;
        }

        var pairs = new List<KeyValuePair<string, ImapString>>();
        r.ReadList("ID parameters", x =>
        {
            var key = x.ReadString("ID field name");
            x.Sp("after the ID field name");
            var value = x.ReadNString("ID field value");
            pairs.Add(new(key.Value ?? string.Empty, value));
            return 0;
        });
        return pairs;
    }

    // RFC 9051 §9 / RFC 2342 §6: namespace-response = "NAMESPACE" SP namespace SP namespace SP namespace;
    // namespace = nil / "(" 1*namespace-descr ")"; namespace-descr = "(" string SP (DQUOTE QUOTED-CHAR DQUOTE / nil)
    // [namespace-response-extensions] ")".
    public static ImapNamespaceResponse ReadNamespace(ImapSyntaxReader r)
    {
        var personal = ReadNamespaceList(r, "personal namespace");
        r.Sp("after the personal namespace");
        var other = ReadNamespaceList(r, "other users' namespace");
        r.Sp("after the other users' namespace");
        var shared = ReadNamespaceList(r, "shared namespace");
        return new ImapNamespaceResponse { Personal = personal, OtherUsers = other, Shared = shared };
    }

    private static List<ImapNamespaceEntry>? ReadNamespaceList(ImapSyntaxReader r, string context)
    {
        if (r.TryNil())
        {
            return null;
        }

        r.Expect((byte)'(', $"'(' or NIL for the {context}");
        var list = new List<ImapNamespaceEntry>();
        do
        {
            r.Expect((byte)'(', $"'(' opening a namespace-descr in the {context}");
            var prefix = r.ReadString("namespace prefix");
            r.Sp("after the namespace prefix");
            var delimiter = ReadDelimiter(r, "NAMESPACE");
            while (r.TryTake((byte)' '))
            {
                // RFC 9051 §9: namespace-response-extension = SP string SP "(" string *(SP string) ")".
                r.ReadString("namespace-response-extension name");
                r.Sp("after the namespace-response-extension name");
                r.ReadList("namespace-response-extension values", x => x.ReadString("namespace-response-extension value"), allowEmpty: false);
            }

            r.Expect((byte)')', "')' closing the namespace-descr");
            list.Add(new ImapNamespaceEntry { Prefix = prefix, Delimiter = delimiter });
        }
        while (r.Peek() == '(');

        r.Expect((byte)')', $"'(' or ')' after a namespace-descr in the {context}");
        return list;
    }
}
