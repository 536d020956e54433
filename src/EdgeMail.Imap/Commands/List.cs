using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.9 LIST; RFC 5258 LIST-EXTENDED; RFC 3348 CHILDREN; RFC 6154 SPECIAL-USE; RFC 5819 LIST-STATUS;
// RFC 3501 §6.3.9 LSUB; RFC 2342 NAMESPACE.
internal static class List
{
    public static async Task<CommandResult> ListAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var request = Parse(session, command);
        if (request.Patterns.Count == 1 && request.Patterns[0].Length == 0 && !request.Extended)
        {
            // RFC 9051 §6.3.9: an empty pattern asks for the hierarchy delimiter and root.
            session.Writer.Raw("* LIST (\\Noselect) \"/\" \"\"\r\n");
            return CommandResult.Done("LIST completed");
        }

        var all = await session.Store.ListMailboxesAsync(session.Account!.Id, cancellationToken).ConfigureAwait(false);
        var mailboxes = all.ToDictionary(m => m.Name, StringComparer.Ordinal);
        bool Matched(string name) => request.Patterns.Any(p => Matches(request.Reference + p, name));

        // Every mailbox; with the SUBSCRIBED selection also the subscribed names whose mailbox is gone (RFC 5258 §3:
        // "\NonExistent"), and with RECURSIVEMATCH the parents of subscribed names, which may be listed for them.
        var candidates = new HashSet<string>(mailboxes.Keys, StringComparer.Ordinal);
        HashSet<string>? subscribed = null;
        if (request.SelectSubscribed)
        {
            subscribed = new HashSet<string>(await session.Store.ListSubscriptionsAsync(session.Account.Id, cancellationToken).ConfigureAwait(false), StringComparer.Ordinal);
            foreach (var name in subscribed)
            {
                candidates.Add(name);
                for (var parent = MailboxName.Parent(name); request.RecursiveMatch && parent is not null; parent = MailboxName.Parent(parent))
                {
                    candidates.Add(parent);
                }
            }
        }

        foreach (var name in Ordered(candidates))
        {
            if (!Matched(name))
            {
                continue;
            }

            mailboxes.TryGetValue(name, out var mailbox);
            var isSubscribed = subscribed?.Contains(name) ?? mailbox!.Subscribed;

            // RFC 5258 §3.5: CHILDINFO marks a mailbox with a subscribed descendant that the pattern does not reach; a
            // descendant it reaches is listed itself, and gives its parent no entry.
            var childInfo = request.RecursiveMatch && subscribed!.Any(c => MailboxName.IsDescendant(c, name) && !Matched(c));
            if (request.SelectSubscribed && !isSubscribed && !childInfo)
            {
                continue;
            }

            if (request.SelectSpecialUse && mailbox is not { SpecialUse: not SpecialUse.None })
            {
                continue;
            }

            var attributes = new List<string>();
            var hasChildren = mailboxes.Keys.Any(n => MailboxName.IsDescendant(n, name));
            if (hasChildren || mailbox is not null)
            {
                attributes.Add(hasChildren ? "\\HasChildren" : "\\HasNoChildren");
            }

            if (isSubscribed && (request.ReturnSubscribed || request.SelectSubscribed))
            {
                attributes.Add("\\Subscribed");
            }

            if (mailbox is null)
            {
                // RFC 5258 §3.4 (RFC 9051 §7.3.1): a name with no mailbox, listed for its subscription or its children.
                attributes.Add("\\NonExistent");
            }
            else if (mailbox.SpecialUse != SpecialUse.None && (request.ReturnSpecialUse || request.SelectSpecialUse || !request.Extended || session.IsRev2))
            {
                attributes.Add("\\" + mailbox.SpecialUse);
            }

            var w = session.Writer;
            w.Raw("* LIST (").Raw(string.Join(' ', attributes)).Raw(") \"/\" ").Astring(session.EncodeMailboxName(name));
            if (childInfo)
            {
                w.Raw(" (\"CHILDINFO\" (\"SUBSCRIBED\"))");
            }

            w.Crlf();
            if (request.StatusItems is { } items && mailbox is not null)
            {
                // RFC 5819 §2: a STATUS response for each listed selectable mailbox.
                await Status.WriteStatusAsync(session, mailbox, items, cancellationToken).ConfigureAwait(false);
            }
        }

        return CommandResult.Done("LIST completed");
    }

    /// <summary>
    /// RFC 3501 §6.3.9 LSUB: the subscribed names that match (kept for IMAP4rev1 clients), \Noselect when their mailbox
    /// is gone; and a parent that matches while its subscribed child does not (the "%" case) as \Noselect.
    /// </summary>
    public static async Task<CommandResult> LsubAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var reference = session.DecodeMailboxPattern(args.ReadAstring());
        args.ReadSpace();
        var pattern = reference + session.DecodeMailboxPattern(args.ReadListMailbox());
        args.ExpectEnd();
        var all = await session.Store.ListMailboxesAsync(session.Account!.Id, cancellationToken).ConfigureAwait(false);
        var existing = all.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var subscribed = (await session.Store.ListSubscriptionsAsync(session.Account.Id, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var listed = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var name in subscribed)
        {
            if (Matches(pattern, name))
            {
                listed[name] = !existing.Contains(name);
                continue;
            }

            for (var parent = MailboxName.Parent(name); parent is not null; parent = MailboxName.Parent(parent))
            {
                if (!subscribed.Contains(parent) && Matches(pattern, parent))
                {
                    // RFC 3501 §6.3.9: "foo/bar" subscribed, "foo" not: "%" returns foo, flagged \Noselect.
                    listed[parent] = true;
                }
            }
        }

        foreach (var name in Ordered(listed.Keys))
        {
            session.Writer.Raw(listed[name] ? "* LSUB (\\Noselect) \"/\" " : "* LSUB () \"/\" ").Astring(session.EncodeMailboxName(name)).Crlf();
        }

        return CommandResult.Done("LSUB completed");
    }

    // INBOX first, then by name.
    private static IEnumerable<string> Ordered(IEnumerable<string> names) =>
        names.OrderBy(n => n == MailboxName.Inbox ? string.Empty : n, StringComparer.Ordinal);

    /// <summary>RFC 2342 §5: one personal namespace with prefix "" and delimiter "/"; no others.</summary>
    public static Task<CommandResult> NamespaceAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Writer.Raw("* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n");
        return Task.FromResult(CommandResult.Done("NAMESPACE completed"));
    }

    /// <summary>
    /// RFC 9051 §6.3.9: "*" matches anything, "%" anything but the delimiter. INBOX matches case-insensitively.
    /// </summary>
    internal static bool Matches(string pattern, string name)
    {
        if (pattern.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase) && (pattern.Length == 5 || pattern[5] == '/'))
        {
            pattern = "INBOX" + pattern[5..];
        }

        return Match(pattern.AsSpan(), name.AsSpan());

        static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> n)
        {
            while (p.Length > 0)
            {
                var c = p[0];
                if (c is '*' or '%')
                {
                    var rest = p[1..];
                    for (var i = 0; i <= n.Length; i++)
                    {
                        if (Match(rest, n[i..]))
                        {
                            return true;
                        }

                        if (i < n.Length && c == '%' && n[i] == MailboxName.Separator)
                        {
                            return false;
                        }
                    }

                    return false;
                }

                if (n.Length == 0 || n[0] != c)
                {
                    return false;
                }

                p = p[1..];
                n = n[1..];
            }

            return n.Length == 0;
        }
    }

    internal static SpecialUse? ParseSpecialUse(string flag) => flag.ToUpperInvariant() switch
    {
        "\\ALL" => SpecialUse.All,
        "\\ARCHIVE" => SpecialUse.Archive,
        "\\DRAFTS" => SpecialUse.Drafts,
        "\\FLAGGED" => SpecialUse.Flagged,
        "\\JUNK" => SpecialUse.Junk,
        "\\SENT" => SpecialUse.Sent,
        "\\TRASH" => SpecialUse.Trash,
        _ => null,
    };

    private sealed class Request
    {
        public bool Extended { get; set; }

        public string Reference { get; set; } = string.Empty;

        public List<string> Patterns { get; } = [];

        public bool SelectSubscribed { get; set; }

        public bool SelectSpecialUse { get; set; }

        public bool RecursiveMatch { get; set; }

        public bool ReturnSubscribed { get; set; }

        public bool ReturnSpecialUse { get; set; }

        public List<string>? StatusItems { get; set; }
    }

    private static Request Parse(ImapSession session, ImapCommand command)
    {
        var request = new Request();
        var args = command.Arguments();
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            // RFC 5258 §3: list-select-opts.
            request.Extended = true;
            while (!args.TryReadByte((byte)')'))
            {
                args.TryReadSpace();
                var option = args.ReadAtom().ToUpperInvariant();
                switch (option)
                {
                    case "SUBSCRIBED":
                        request.SelectSubscribed = true;
                        break;
                    case "SPECIAL-USE":
                        request.SelectSpecialUse = true;
                        break;
                    case "RECURSIVEMATCH":
                        request.RecursiveMatch = true;
                        break;
                    case "REMOTE":
                        break;
                    default:
                        throw new ImapParseException($"unknown LIST selection option {option}");
                }
            }

            if (request.RecursiveMatch && !request.SelectSubscribed)
            {
                // RFC 5258 §3: RECURSIVEMATCH alone is an error.
                throw new ImapParseException("RECURSIVEMATCH needs another selection option");
            }

            args.ReadSpace();
        }

        request.Reference = session.DecodeMailboxPattern(args.ReadAstring());
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            request.Extended = true;
            do
            {
                request.Patterns.Add(session.DecodeMailboxPattern(args.ReadListMailbox()));
            }
            while (args.TryReadSpace());
            args.Expect(')');
        }
        else
        {
            request.Patterns.Add(session.DecodeMailboxPattern(args.ReadListMailbox()));
        }

        if (args.TryReadSpace())
        {
            if (!args.TryReadKeyword("RETURN"))
            {
                throw new ImapParseException("RETURN expected");
            }

            request.Extended = true;
            args.ReadSpace();
            args.Expect('(');
            while (!args.TryReadByte((byte)')'))
            {
                args.TryReadSpace();
                var option = args.ReadAtom().ToUpperInvariant();
                switch (option)
                {
                    case "SUBSCRIBED":
                        request.ReturnSubscribed = true;
                        break;
                    case "CHILDREN":
                        break;
                    case "SPECIAL-USE":
                        request.ReturnSpecialUse = true;
                        break;
                    case "STATUS":
                        args.ReadSpace();
                        request.StatusItems = Status.ReadItems(ref args);
                        break;
                    default:
                        throw new ImapParseException($"unknown LIST return option {option}");
                }
            }
        }

        args.ExpectEnd();
        return request;
    }
}
