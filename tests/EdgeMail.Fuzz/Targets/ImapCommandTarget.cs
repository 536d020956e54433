using EdgeMail.Imap.Commands;
using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Fuzz.Targets;

/// <summary>
/// A client's byte stream as the IMAP session sees it: lines, literals announced at a line's end ({n}, {n+}, ~{n})
/// joined into one command as CommandReader does, the tag and verb, and then each command's arguments read with the
/// same ImapReader calls, in the same order, as its handler in Imap/Commands. Only ImapParseException (BAD) and
/// ProtocolException (the name checks) are the parser's own answers.
/// </summary>
internal static class ImapCommandTarget
{
    // Imap:MaxCommandBytes' order of size: a literal beyond it is refused before any byte is read.
    private const int MaxCommandBytes = 64 * 1024;
    private const int MaxCommands = 64;

    public static void Run(byte[] input)
    {
        var position = 0;
        for (var n = 0; n < MaxCommands && position < input.Length; n++)
        {
            var command = new List<byte>();
            while (true)
            {
                var lf = Array.IndexOf(input, (byte)'\n', position);
                var end = lf < 0 ? input.Length : lf;
                var line = input.AsSpan(position, end - position);
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line = line[..^1];
                }

                position = lf < 0 ? input.Length : lf + 1;
                _ = CommandReader.TagOf(line);
                command.AddRange(line);
                if (!CommandReader.TryFindLiteral(line, out var length, out _))
                {
                    break;
                }

                InvariantViolation.Check(length >= 0, "a literal's length is not negative");
                if (length > MaxCommandBytes - command.Count || length > input.Length - position)
                {
                    // Refused (TOOBIG) or the client never sends it: the session stops reading this command.
                    return;
                }

                command.AddRange("\r\n"u8);
                command.AddRange(input.AsSpan(position, (int)length));
                position += (int)length;
            }

            Parse(command.ToArray());
        }
    }

    private static void Parse(byte[] text)
    {
        if (!ImapCommand.TryParseHead(text, out var tag, out var name, out var start))
        {
            return;
        }

        InvariantViolation.Check(tag.Length > 0 && !tag.Contains('+', StringComparison.Ordinal), "a tag is 1*<ASTRING-CHAR except \"+\">");
        var command = new ImapCommand(text, tag, name, start, []);
        var args = command.Arguments();
        try
        {
            Arguments(name, ref args);
        }
        catch (ImapParseException)
        {
        }
        catch (ProtocolException)
        {
        }
    }

    private static void Arguments(string name, ref ImapReader args)
    {
        switch (name)
        {
            case "CAPABILITY" or "NOOP" or "LOGOUT" or "STARTTLS" or "CHECK" or "CLOSE" or "UNSELECT" or "EXPUNGE" or "IDLE" or "NAMESPACE":
                args.ExpectEnd();
                break;
            case "ID":
                // RFC 2971 §3.1: "ID" SP ( "(" string SP nstring *( SP string SP nstring ) ")" / nil ).
                args.ReadSpace();
                if (!args.TryReadKeyword("NIL"))
                {
                    args.Expect('(');
                    var first = true;
                    while (!args.TryReadByte((byte)')'))
                    {
                        if (!first)
                        {
                            args.ReadSpace();
                        }

                        args.ReadString();
                        args.ReadSpace();
                        args.ReadNString();
                        first = false;
                    }
                }

                args.ExpectEnd();
                break;
            case "LOGIN":
                args.ReadSpace();
                args.ReadAstring();
                args.ReadSpace();
                args.ReadAstring();
                args.ExpectEnd();
                break;
            case "AUTHENTICATE":
                args.ReadSpace();
                args.ReadAtom();
                if (args.TryReadSpace())
                {
                    args.ReadAtom();
                }

                args.ExpectEnd();
                break;
            case "ENABLE":
                args.ReadSpace();
                do
                {
                    args.ReadAtom();
                }
                while (args.TryReadSpace());
                args.ExpectEnd();
                break;
            case "SELECT" or "EXAMINE":
                Select(ref args);
                break;
            case "CREATE":
                args.ReadSpace();
                Mailbox(args.ReadAstring());
                if (args.TryReadSpace())
                {
                    // RFC 6154 §3: (USE (\Drafts ...)).
                    args.Expect('(');
                    if (!args.TryReadKeyword("USE"))
                    {
                        throw new ImapParseException("unknown CREATE parameter");
                    }

                    args.ReadSpace();
                    args.ReadFlagList();
                    args.Expect(')');
                }

                args.ExpectEnd();
                break;
            case "DELETE" or "SUBSCRIBE" or "UNSUBSCRIBE":
                args.ReadSpace();
                Mailbox(args.ReadAstring());
                args.ExpectEnd();
                break;
            case "RENAME":
                args.ReadSpace();
                Mailbox(args.ReadAstring());
                args.ReadSpace();
                Mailbox(args.ReadAstring().TrimEnd(MailboxName.Separator));
                args.ExpectEnd();
                break;
            case "LIST" or "LSUB":
                List(ref args);
                break;
            case "STATUS":
                args.ReadSpace();
                Mailbox(args.ReadAstring());
                args.ReadSpace();
                Status.ReadItems(ref args);
                args.ExpectEnd();
                break;
            case "APPEND":
                Append(ref args);
                break;
            case "UID EXPUNGE":
                args.ReadSpace();
                args.ReadSequenceSet();
                args.ExpectEnd();
                break;
            case "SEARCH" or "UID SEARCH":
                SearchParser.Parse(ref args);
                break;
            case "FETCH" or "UID FETCH":
                FetchParser.Parse(ref args);
                break;
            case "STORE" or "UID STORE":
                Store(ref args);
                break;
            case "COPY" or "UID COPY" or "MOVE" or "UID MOVE":
                args.ReadSpace();
                args.ReadSequenceSet();
                args.ReadSpace();
                Mailbox(args.ReadAstring());
                args.ExpectEnd();
                break;
        }
    }

    private static void Select(ref ImapReader args)
    {
        args.ReadSpace();
        Mailbox(args.ReadAstring());
        EdgeMail.Imap.Commands.Select.ReadParameters(ref args);
        args.ExpectEnd();
    }

    private static void List(ref ImapReader args)
    {
        // RFC 5258 §3: LIST [(selection-options)] reference (pattern / (patterns)) [RETURN (return-options)].
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            while (!args.TryReadByte((byte)')'))
            {
                args.TryReadSpace();
                args.ReadAtom();
            }

            args.ReadSpace();
        }

        Pattern(args.ReadAstring());
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            do
            {
                Pattern(args.ReadListMailbox());
            }
            while (args.TryReadSpace());
            args.Expect(')');
        }
        else
        {
            Pattern(args.ReadListMailbox());
        }

        if (args.TryReadSpace())
        {
            if (!args.TryReadKeyword("RETURN"))
            {
                throw new ImapParseException("RETURN was expected");
            }

            args.ReadSpace();
            args.Expect('(');
            while (!args.TryReadByte((byte)')'))
            {
                args.TryReadSpace();
                if (args.ReadAtom().Equals("STATUS", StringComparison.OrdinalIgnoreCase))
                {
                    args.ReadSpace();
                    Status.ReadItems(ref args);
                }
            }
        }

        args.ExpectEnd();
    }

    private static void Append(ref ImapReader args)
    {
        args.ReadSpace();
        Mailbox(args.ReadAstring());
        args.ReadSpace();
        if (args.Peek == '(')
        {
            Imap.Commands.Select.SplitFlags(args.ReadFlagList());
            args.ReadSpace();
        }

        if (args.Peek == '"')
        {
            args.ReadDateTime();
            args.ReadSpace();
        }

        // RFC 6855 §4: UTF8 (literal8).
        var utf8 = args.TryReadKeyword("UTF8");
        if (utf8)
        {
            args.ReadSpace();
            args.Expect('(');
        }

        args.ReadLiteralValue();
        if (utf8)
        {
            args.Expect(')');
        }

        args.ExpectEnd();
    }

    private static void Store(ref ImapReader args)
    {
        args.ReadSpace();
        args.ReadSequenceSet();
        args.ReadSpace();
        if (args.TryReadByte((byte)'('))
        {
            // RFC 7162 §3.1.3: (UNCHANGEDSINCE modseq).
            if (!args.TryReadKeyword("UNCHANGEDSINCE"))
            {
                throw new ImapParseException("UNCHANGEDSINCE was expected");
            }

            args.ReadSpace();
            args.ReadNumber64();
            args.Expect(')');
            args.ReadSpace();
        }

        if (!args.TryReadByte((byte)'+'))
        {
            args.TryReadByte((byte)'-');
        }

        if (!args.TryReadKeyword("FLAGS.SILENT") && !args.TryReadKeyword("FLAGS"))
        {
            throw new ImapParseException("FLAGS was expected");
        }

        args.ReadSpace();
        if (args.Peek == '(')
        {
            args.ReadFlagList();
        }
        else
        {
            do
            {
                args.ReadFlag();
            }
            while (args.TryReadSpace());
        }

        args.ExpectEnd();
    }

    // What the session does with a name from a rev1 client (ImapSession.DecodeMailboxName) and the store after it.
    private static void Mailbox(string wire)
    {
        if (ModifiedUtf7.TryDecode(wire, out var decoded))
        {
            MailboxName.TryNormalize(decoded, out _, out _);
        }

        MailboxName.TryNormalize(wire, out _, out _);
    }

    private static void Pattern(string wire) => ModifiedUtf7.TryDecode(wire, out _);
}
