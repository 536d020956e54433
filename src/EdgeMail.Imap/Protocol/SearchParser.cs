namespace EdgeMail.Imap.Protocol;

/// <summary>Parses SEARCH arguments (RFC 9051 §9 "search", "search-key"; RFC 4731 search-return-opts).</summary>
public static class SearchParser
{
    private const int MaxDepth = 100;

    public static SearchRequest Parse(ref ImapReader args)
    {
        args.ReadSpace();
        List<string>? returns = null;
        if (args.TryReadKeyword("RETURN"))
        {
            // RFC 4731 §3: RETURN (MIN MAX ALL COUNT), RFC 5182: SAVE. "RETURN ()" means ALL.
            args.ReadSpace();
            args.Expect('(');
            returns = [];
            while (!args.TryReadByte((byte)')'))
            {
                args.TryReadSpace();
                var option = args.ReadAtom().ToUpperInvariant();
                if (option is not ("MIN" or "MAX" or "ALL" or "COUNT" or "SAVE"))
                {
                    throw new ImapParseException($"unknown SEARCH return option {option}");
                }

                returns.Add(option);
            }

            if (returns.Count == 0)
            {
                returns.Add("ALL");
            }

            args.ReadSpace();
        }

        string? charset = null;
        if (args.TryReadKeyword("CHARSET"))
        {
            args.ReadSpace();
            charset = args.ReadAstring();
            args.ReadSpace();
        }

        var keys = new List<SearchKey> { ReadKey(ref args, 0) };
        while (args.TryReadSpace())
        {
            keys.Add(ReadKey(ref args, 0));
        }

        args.ExpectEnd();
        return new SearchRequest(keys.Count == 1 ? keys[0] : new AndKey(keys), returns, charset);
    }

    private static SearchKey ReadKey(ref ImapReader args, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ImapParseException("search keys nested too deeply");
        }

        if (args.TryReadByte((byte)'('))
        {
            var keys = new List<SearchKey> { ReadKey(ref args, depth + 1) };
            while (args.TryReadSpace())
            {
                keys.Add(ReadKey(ref args, depth + 1));
            }

            args.Expect(')');
            return keys.Count == 1 ? keys[0] : new AndKey(keys);
        }

        if (args.LooksLikeSequenceSet())
        {
            return new SetKey(args.ReadSequenceSet(), ByUid: false);
        }

        var name = args.ReadAtom().ToUpperInvariant();
        switch (name)
        {
            case "ALL":
                return new AllKey();
            case "ANSWERED" or "DELETED" or "DRAFT" or "FLAGGED" or "SEEN":
                return new FlagKey(name, false);
            case "UNANSWERED" or "UNDELETED" or "UNDRAFT" or "UNFLAGGED" or "UNSEEN":
                return new FlagKey(name[2..], true);
            case "NEW":
                // RFC 3501 §6.4.4: NEW is RECENT UNSEEN.
                return new AndKey([new RecentKey(true), new FlagKey("SEEN", true)]);
            case "RECENT":
                return new RecentKey(true);
            case "OLD":
                return new RecentKey(false);
            case "KEYWORD" or "UNKEYWORD":
                args.ReadSpace();
                return new KeywordKey(args.ReadAtom(), name == "UNKEYWORD");
            case "LARGER" or "SMALLER":
                args.ReadSpace();
                return new SizeKey((long)args.ReadNumber64(), name == "LARGER");
            case "BEFORE" or "ON" or "SINCE" or "SENTBEFORE" or "SENTON" or "SENTSINCE":
                args.ReadSpace();
                var sent = name.StartsWith("SENT", StringComparison.Ordinal);
                var comparison = (sent ? name[4..] : name) switch
                {
                    "BEFORE" => DateComparison.Before,
                    "ON" => DateComparison.On,
                    _ => DateComparison.Since,
                };
                return new DateKey(args.ReadDate(), comparison, sent);
            case "FROM" or "TO" or "CC" or "BCC" or "SUBJECT":
                args.ReadSpace();
                return new HeaderKey(name, args.ReadAstring());
            case "HEADER":
                args.ReadSpace();
                var field = args.ReadAstring();
                args.ReadSpace();
                return new HeaderKey(field, args.ReadAstring());
            case "BODY" or "TEXT":
                args.ReadSpace();
                return new TextKey(args.ReadAstring(), name == "TEXT");
            case "NOT":
                args.ReadSpace();
                return new NotKey(ReadKey(ref args, depth + 1));
            case "OR":
                args.ReadSpace();
                var left = ReadKey(ref args, depth + 1);
                args.ReadSpace();
                return new OrKey(left, ReadKey(ref args, depth + 1));
            case "UID":
                args.ReadSpace();
                return new SetKey(args.ReadSequenceSet(), ByUid: true);
            case "MODSEQ":
                args.ReadSpace();
                if (args.Peek == '"')
                {
                    // RFC 7162 §3.1.5: optional entry name and type ("/flags/\\draft" all), not kept per flag here.
                    args.ReadString();
                    args.ReadSpace();
                    args.ReadAtom();
                    args.ReadSpace();
                }

                return new ModSeqKey(args.ReadNumber64());
            default:
                throw new ImapParseException($"unknown search key {name}");
        }
    }
}
