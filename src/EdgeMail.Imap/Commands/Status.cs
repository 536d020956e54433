using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.11 STATUS (MESSAGES, UIDNEXT, UIDVALIDITY, UNSEEN, DELETED, SIZE); RFC 3501 RECENT;
// RFC 8438 STATUS=SIZE; RFC 7162 §3.1.6 HIGHESTMODSEQ.
internal static class Status
{
    private static readonly HashSet<string> Known = ["MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT", "HIGHESTMODSEQ"];

    public static async Task<CommandResult> StatusAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = session.DecodeMailboxName(args.ReadAstring());
        args.ReadSpace();
        var items = ReadItems(ref args);
        args.ExpectEnd();
        var mailbox = await session.Store.GetMailboxAsync(session.Account!.Id, name, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return CommandResult.No("NONEXISTENT", "no such mailbox");
        }

        await WriteStatusAsync(session, mailbox, items, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("STATUS completed");
    }

    internal static List<string> ReadItems(ref ImapReader args)
    {
        var items = new List<string>();
        args.Expect('(');
        do
        {
            var item = args.ReadAtom().ToUpperInvariant();
            if (!Known.Contains(item))
            {
                throw new ImapParseException($"unknown STATUS item {item}");
            }

            items.Add(item);
        }
        while (args.TryReadSpace());
        args.Expect(')');
        return items;
    }

    internal static async Task WriteStatusAsync(ImapSession session, MailboxInfo mailbox, List<string> items, CancellationToken cancellationToken)
    {
        var status = await session.Store.GetStatusAsync(mailbox.Id, cancellationToken).ConfigureAwait(false);
        if (items.Contains("HIGHESTMODSEQ"))
        {
            session.Enabled.Add("CONDSTORE");
        }

        var w = session.Writer;
        w.Raw("* STATUS ").Astring(session.EncodeMailboxName(mailbox.Name)).Raw(" (");
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                w.Space();
            }

            first = false;
            w.Raw(item).Space();
            switch (item)
            {
                case "MESSAGES":
                    w.Number(status.Messages);
                    break;
                case "UIDNEXT":
                    w.Number(status.Mailbox.UidNext);
                    break;
                case "UIDVALIDITY":
                    w.Number(status.Mailbox.UidValidity);
                    break;
                case "UNSEEN":
                    w.Number(status.Unseen);
                    break;
                case "DELETED":
                    w.Number(status.Deleted);
                    break;
                case "SIZE":
                    w.Number(status.Size);
                    break;
                case "RECENT":
                    // RFC 3501 §6.3.10: what no session has claimed, plus what this session claimed if it has the
                    // mailbox selected (an EXAMINE claims nothing: its \Recent messages are the unclaimed ones).
                    // IMAP4rev2 has no \Recent (RFC 9051 Appendix E.1).
                    w.Number(session.IsRev2 ? 0 : status.Recent + (session.Selected is { ClaimsRecent: true } selected && selected.Id == mailbox.Id ? selected.RecentCount : 0));
                    break;
                case "HIGHESTMODSEQ":
                    w.Number(status.Mailbox.HighestModSeq);
                    break;
            }
        }

        w.Raw(")\r\n");
    }
}
