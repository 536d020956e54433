using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.4 CREATE, §6.3.5 DELETE, §6.3.6 RENAME, §6.3.7 SUBSCRIBE, §6.3.8 UNSUBSCRIBE; RFC 6154 §3 CREATE (USE).
internal static class Mailboxes
{
    public static async Task<CommandResult> CreateAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = session.DecodeMailboxName(args.ReadAstring());
        var use = SpecialUse.None;
        if (args.TryReadSpace())
        {
            // RFC 6154 §3: CREATE name (USE (\Drafts)).
            args.Expect('(');
            if (!args.TryReadKeyword("USE"))
            {
                throw new ImapParseException("unknown CREATE parameter");
            }

            args.ReadSpace();
            foreach (var flag in args.ReadFlagList())
            {
                use = List.ParseSpecialUse(flag) ?? throw ProtocolException.No("USEATTR", $"{flag} is not a special-use attribute");
            }

            args.Expect(')');
        }

        args.ExpectEnd();

        // RFC 9051 §6.3.4: a trailing hierarchy separator only says the client means to create children.
        name = name.TrimEnd(MailboxName.Separator);
        if (MailboxName.TryNormalize(name, out var normalized, out _) && MailboxName.IsInbox(normalized))
        {
            return CommandResult.No("ALREADYEXISTS", "INBOX always exists");
        }

        var existing = await session.Store.ListMailboxesAsync(session.Account!.Id, cancellationToken).ConfigureAwait(false);
        if (existing.Count >= session.Options.MaxMailboxes)
        {
            return CommandResult.No("LIMIT", $"an account has at most {session.Options.MaxMailboxes} mailboxes (Imap:MaxMailboxes)");
        }

        await session.Store.CreateMailboxAsync(session.Account.Id, name, use, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("CREATE completed");
    }

    public static async Task<CommandResult> DeleteAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var name = ReadName(session, command);
        if (MailboxName.TryNormalize(name, out var normalized, out _))
        {
            // RFC 9051 §6.3.5, §7.1: a server that does not delete a mailbox with inferiors answers NO [HASCHILDREN];
            // checked first so that a refused DELETE leaves the selected mailbox selected.
            var all = await session.Store.ListMailboxesAsync(session.Account!.Id, cancellationToken).ConfigureAwait(false);
            if (all.Any(m => MailboxName.IsDescendant(m.Name, normalized)))
            {
                return CommandResult.No("HASCHILDREN", $"{normalized} has child mailboxes; delete them first");
            }
        }

        if (session.Selected is { } selected && selected.Info.Name == MailboxName.Normalize(name))
        {
            // Deleting the selected mailbox deselects it first (as Dovecot does).
            session.Unselect();
        }

        await session.Store.DeleteMailboxAsync(session.Account!.Id, name, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("DELETE completed");
    }

    public static async Task<CommandResult> RenameAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var from = session.DecodeMailboxName(args.ReadAstring());
        args.ReadSpace();
        var to = session.DecodeMailboxName(args.ReadAstring()).TrimEnd(MailboxName.Separator);
        args.ExpectEnd();

        // The store applies RFC 9051 §6.3.6's INBOX rule: renaming INBOX moves its messages to the new
        // mailbox and leaves INBOX empty.
        await session.Store.RenameMailboxAsync(session.Account!.Id, from, to, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("RENAME completed");
    }

    public static async Task<CommandResult> SubscribeAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var name = ReadName(session, command);
        await session.Store.SetSubscribedAsync(session.Account!.Id, name, true, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("SUBSCRIBE completed");
    }

    public static async Task<CommandResult> UnsubscribeAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var name = ReadName(session, command);
        await session.Store.SetSubscribedAsync(session.Account!.Id, name, false, cancellationToken).ConfigureAwait(false);
        return CommandResult.Done("UNSUBSCRIBE completed");
    }

    private static string ReadName(ImapSession session, ImapCommand command)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = session.DecodeMailboxName(args.ReadAstring());
        args.ExpectEnd();
        if (!MailboxName.TryNormalize(name, out _, out var error))
        {
            throw ProtocolException.No("CANNOT", error ?? "invalid mailbox name");
        }

        return name;
    }
}
