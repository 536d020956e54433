using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Mailboxes;
using EdgeMail.Store.Messages;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.3.2 SELECT, §6.3.3 EXAMINE, §6.4.2 CLOSE, RFC 3691 UNSELECT;
// CONDSTORE/QRESYNC: RFC 7162 §3.1.8 SELECT (CONDSTORE), §3.2.5 SELECT (QRESYNC ...).
internal static class Select
{
    /// <summary>The keywords every mailbox shows beside the system flags: the common ones of RFC 9051 §2.3.2 and RFC 5788.</summary>
    internal static readonly string[] DefaultKeywords = ["$Forwarded", "$MDNSent", "$Junk", "$NotJunk", "$Phishing"];

    public static Task<CommandResult> SelectAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        OpenAsync(session, command, readOnly: false, cancellationToken);

    public static Task<CommandResult> ExamineAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        OpenAsync(session, command, readOnly: true, cancellationToken);

    private static async Task<CommandResult> OpenAsync(ImapSession session, ImapCommand command, bool readOnly, CancellationToken cancellationToken)
    {
        var (name, condStore, qresync) = Parse(session, command);
        if (qresync is not null && !session.QResync)
        {
            // RFC 7162 §3.2.5: QRESYNC parameters need ENABLE QRESYNC first.
            throw ProtocolException.Bad(null, "ENABLE QRESYNC first");
        }

        if (condStore)
        {
            session.Enabled.Add("CONDSTORE");
        }

        // RFC 9051 §6.3.2: a failed SELECT leaves no mailbox selected; a second SELECT closes the first
        // with an OK [CLOSED] (RFC 7162 §3.2.11).
        if (session.Selected is not null)
        {
            session.Unselect();
            session.Writer.Raw("* OK [CLOSED] previous mailbox closed\r\n");
        }

        var mailbox = await session.Store.GetMailboxAsync(session.Account!.Id, name, cancellationToken).ConfigureAwait(false);
        if (mailbox is null)
        {
            return CommandResult.No("NONEXISTENT", "no such mailbox");
        }

        // The subscription and the UIDs are taken at one instant, so no change falls between the two.
        var (changes, uids) = await session.UidCache.OpenAsync(mailbox.Id, mailbox.UidValidity, cancellationToken).ConfigureAwait(false);
        try
        {
            mailbox = await session.Store.GetMailboxAsync(mailbox.Id, cancellationToken).ConfigureAwait(false)
                ?? throw ProtocolException.No("NONEXISTENT", "no such mailbox");
            var firstUnseen = await session.Store.FirstUnseenUidAsync(mailbox.Id, cancellationToken).ConfigureAwait(false);
            var selected = new SelectedMailbox(mailbox, readOnly, uids, changes);
            session.Select(selected);
            if (!session.IsRev2)
            {
                // RFC 3501 §2.3.2: SELECT claims \Recent for what no session claimed yet, and for what arrives while
                // selected; EXAMINE shows what is unclaimed and claims nothing (§6.3.2). IMAP4rev2 has no \Recent.
                if (readOnly)
                {
                    selected.AddRecent(session.Store.RecentUidOf(mailbox), uint.MaxValue);
                }
                else
                {
                    var (from, to) = UpdateProjection.TryClaimRecent(session, mailbox, mailbox.UidNext);
                    selected.AddRecent(from, to);
                    selected.ClaimsRecent = true;
                    selected.RecentClaimedTo = mailbox.UidNext;
                }
            }

            var w = session.Writer;
            w.Raw("* ").Number(uids.Count).Raw(" EXISTS\r\n");
            if (!session.IsRev2)
            {
                w.Raw("* ").Number(selected.RecentCount).Raw(" RECENT\r\n");
            }

            UpdateProjection.WriteFlagList(session, selected);
            if (selected.SequenceOf(firstUnseen) is > 0 and var unseen && !session.IsRev2)
            {
                w.Raw("* OK [UNSEEN ").Number(unseen).Raw("] first unseen\r\n");
            }

            w.Raw("* OK [UIDVALIDITY ").Number(mailbox.UidValidity).Raw("] UIDs valid\r\n");
            w.Raw("* OK [UIDNEXT ").Number(mailbox.UidNext).Raw("] predicted next UID\r\n");
            if (session.CondStore)
            {
                w.Raw("* OK [HIGHESTMODSEQ ").Number(mailbox.HighestModSeq).Raw("] highest\r\n");
            }

            if (session.IsRev2)
            {
                // RFC 9051 §6.3.2: a LIST response with the mailbox name.
                w.Raw("* LIST () \"/\" ").Astring(session.EncodeMailboxName(mailbox.Name)).Crlf();
            }

            if (qresync is { } q && q.UidValidity == mailbox.UidValidity)
            {
                await ResyncAsync(session, selected, q, cancellationToken).ConfigureAwait(false);
            }

            return CommandResult.WithCode(readOnly ? "READ-ONLY" : "READ-WRITE", $"{command.Name} completed");
        }
        catch
        {
            if (session.Selected?.Changes != changes)
            {
                changes.Dispose();
            }

            throw;
        }
    }

    /// <summary>RFC 7162 §3.2.5.2: VANISHED (EARLIER) for what was expunged, FETCH for what changed, since the client's MODSEQ.</summary>
    private static async Task ResyncAsync(ImapSession session, SelectedMailbox selected, QResyncParameters q, CancellationToken cancellationToken)
    {
        var expunged = await session.Store.ListExpungedSinceAsync(selected.Id, q.ModSeq, cancellationToken).ConfigureAwait(false);
        var vanished = q.KnownUids is null ? expunged : expunged.Where(u => q.KnownUids.Contains(u, uint.MaxValue)).ToList();
        if (vanished.Count > 0)
        {
            session.Writer.Raw("* VANISHED (EARLIER) ").Raw(SequenceSet.Format(vanished)).Crlf();
        }

        await foreach (var message in session.Store.EnumerateAsync(selected.Id, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (message.ModSeq <= q.ModSeq || (q.KnownUids is not null && !q.KnownUids.Contains(message.Uid, uint.MaxValue)))
            {
                continue;
            }

            var seq = selected.SequenceOf(message.Uid);
            if (seq == 0)
            {
                continue;
            }

            selected.Updates.Reporting(message.Uid, message.ModSeq);
            UpdateProjection.AnnounceKeywords(session, message.Keywords);
            session.Writer.Raw("* ").Number(seq).Raw(" FETCH (UID ").Number(message.Uid)
                .Raw(" FLAGS ").Raw(FlagText.Format(message.Flags, message.Keywords, selected.IsRecent(message.Uid)))
                .Raw(" MODSEQ (").Number(message.ModSeq).Raw("))\r\n");
            if (session.Writer.Unflushed > 64 * 1024)
            {
                await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal sealed record QResyncParameters(uint UidValidity, ulong ModSeq, SequenceSet? KnownUids);

    private static (string Name, bool CondStore, QResyncParameters? QResync) Parse(ImapSession session, ImapCommand command)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var name = session.DecodeMailboxName(args.ReadAstring());
        var (condStore, qresync) = ReadParameters(ref args);
        args.ExpectEnd();
        return (name, condStore, qresync);
    }

    /// <summary>
    /// RFC 4466 §2.1 select-params after the mailbox name: (CONDSTORE) and (QRESYNC (uidvalidity modseq [known-uids]
    /// [seq-match-data])), RFC 7162 §3.1.8, §3.2.5; nothing when none follow. The fuzz target calls this too.
    /// </summary>
    internal static (bool CondStore, QResyncParameters? QResync) ReadParameters(ref ImapReader args)
    {
        var condStore = false;
        QResyncParameters? qresync = null;
        if (!args.TryReadSpace())
        {
            return (condStore, qresync);
        }

        args.Expect('(');
        do
        {
            if (args.TryReadKeyword("CONDSTORE"))
            {
                condStore = true;
            }
            else if (args.TryReadKeyword("QRESYNC"))
            {
                args.ReadSpace();
                args.Expect('(');
                var validity = args.ReadNumber(nonZero: true);
                args.ReadSpace();
                var modseq = args.ReadNumber64();
                SequenceSet? known = null;
                if (args.TryReadSpace())
                {
                    if (args.Peek != '(')
                    {
                        known = args.ReadSequenceSet();
                        args.TryReadSpace();
                    }

                    if (args.Peek == '(')
                    {
                        // seq-match-data: accepted; the known-uids set already bounds the answer.
                        args.Expect('(');
                        args.ReadSequenceSet();
                        args.ReadSpace();
                        args.ReadSequenceSet();
                        args.Expect(')');
                    }
                }

                args.Expect(')');
                qresync = new QResyncParameters(validity, modseq, known);
            }
            else
            {
                throw new ImapParseException("unknown SELECT parameter");
            }
        }
        while (args.TryReadSpace());
        args.Expect(')');
        return (condStore, qresync);
    }

    /// <summary>RFC 9051 §6.4.2: CLOSE expunges \Deleted messages silently (unless read-only) and deselects.</summary>
    public static async Task<CommandResult> CloseAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        var selected = session.RequireSelected();
        if (!selected.ReadOnly)
        {
            await session.Store.ExpungeAsync(selected.Id, null, onlyDeleted: true, cancellationToken).ConfigureAwait(false);
        }

        session.Unselect();
        return CommandResult.Done("CLOSE completed");
    }

    /// <summary>RFC 3691: UNSELECT deselects without expunging.</summary>
    public static Task<CommandResult> UnselectAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Unselect();
        return Task.FromResult(CommandResult.Done("UNSELECT completed"));
    }

    internal static MessageFlags ParseSystemFlag(string flag) => flag.ToUpperInvariant() switch
    {
        "\\SEEN" => MessageFlags.Seen,
        "\\ANSWERED" => MessageFlags.Answered,
        "\\FLAGGED" => MessageFlags.Flagged,
        "\\DELETED" => MessageFlags.Deleted,
        "\\DRAFT" => MessageFlags.Draft,
        _ => MessageFlags.None,
    };

    /// <summary>Splits a flag list into system flags and keywords; \Recent and unknown system flags are refused.</summary>
    internal static (MessageFlags Flags, List<string> Keywords) SplitFlags(IEnumerable<string> list)
    {
        var flags = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var flag in list)
        {
            if (flag.StartsWith('\\'))
            {
                var system = ParseSystemFlag(flag);
                if (system == MessageFlags.None)
                {
                    // RFC 9051 §6.4.6: \Recent cannot be stored; other \-flags are not defined.
                    throw ProtocolException.Bad(null, $"the flag {flag} cannot be stored");
                }

                flags |= system;
            }
            else
            {
                keywords.Add(flag);
            }
        }

        return (flags, keywords);
    }
}
