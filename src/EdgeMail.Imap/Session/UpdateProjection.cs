using System.Text;
using EdgeMail.Imap.Protocol;
using EdgeMail.Store.Changes;

namespace EdgeMail.Imap.Session;

/// <summary>
/// What other sessions did, as this session reports it: the feed's changes (EXISTS, EXPUNGE or VANISHED, FETCH
/// FLAGS), \Recent, and new keywords (invariants 1-3 and 6-8 at the top of ImapSession.cs). Written between
/// commands and during IDLE, never inside another response.
/// </summary>
internal static class UpdateProjection
{
    /// <summary>
    /// Reports what the feed brought for the selected mailbox (invariants 1–3 and 6–7). Expunges are held back when
    /// <paramref name="allowExpunge"/> is false and reported by a later command.
    /// </summary>
    public static void Write(ImapSession session, bool allowExpunge)
    {
        var selected = session.Selected;
        if (selected is null)
        {
            return;
        }

        selected.DrainChanges();
        if (!selected.HasPending)
        {
            return;
        }

        var updates = selected.Updates;

        var existsDirty = false;
        List<uint>? vanished = null;
        List<MailboxChange>? kept = null;
        if (updates.HasOrdered)
        {
            foreach (var change in updates.Ordered)
            {
                if (change.ModSeq > selected.HighestModSeq && change.Kind != ChangeKind.Expunged)
                {
                    selected.HighestModSeq = change.ModSeq;
                }

                switch (change.Kind)
                {
                    case ChangeKind.Appended:
                        if (change.Uid > selected.MaxUid)
                        {
                            selected.Uids.Add(change.Uid);
                            existsDirty = true;
                        }

                        break;
                    case ChangeKind.Expunged:
                        if (!allowExpunge)
                        {
                            updates.Expunged.Add(change.Uid);
                            (kept ??= []).Add(change);
                            break;
                        }

                        updates.Expunged.Remove(change.Uid);
                        var index = selected.Uids.BinarySearch(change.Uid);
                        if (index < 0)
                        {
                            break;
                        }

                        FlushExists(ref existsDirty);
                        selected.Uids.RemoveAt(index);
                        if (change.ModSeq > selected.HighestModSeq)
                        {
                            selected.HighestModSeq = change.ModSeq;
                        }

                        if (session.QResync)
                        {
                            // RFC 7162 §3.2.10: VANISHED replaces EXPUNGE once QRESYNC is enabled.
                            (vanished ??= []).Add(change.Uid);
                        }
                        else
                        {
                            session.Writer.Raw("* ").Number(index + 1).Raw(" EXPUNGE\r\n");
                        }

                        break;
                    case ChangeKind.MailboxDeleted:
                        session.Writer.Raw("* BYE [UNAVAILABLE] the selected mailbox was deleted\r\n");
                        session.State = ImapState.Logout;
                        break;
                    case ChangeKind.MailboxRenamed when change.MailboxName is not null:
                        selected.Info = selected.Info with { Name = change.MailboxName };
                        break;
                }
            }

            updates.Ordered.Clear();
            if (kept is not null)
            {
                updates.Ordered.AddRange(kept);
            }
        }

        FlushExists(ref existsDirty);
        if (vanished is { Count: > 0 })
        {
            vanished.Sort();
            session.Writer.Raw("* VANISHED ").Raw(SequenceSet.Format(vanished)).Crlf();
        }

        // Flag changes go last, each message once with its newest state, numbered as the client now knows them.
        foreach (var change in updates.TakeFlags())
        {
            if (change.ModSeq > selected.HighestModSeq)
            {
                selected.HighestModSeq = change.ModSeq;
            }

            var seq = updates.IsExpunged(change.Uid) ? 0 : selected.SequenceOf(change.Uid);
            if (seq == 0)
            {
                continue;
            }

            AnnounceKeywords(session, change.Keywords);
            session.Writer.Raw("* ").Number(seq).Raw(" FETCH (UID ").Number(change.Uid).Raw(" FLAGS ").Raw(FlagText.Format(change.Flags, change.Keywords, selected.IsRecent(change.Uid)));
            if (session.CondStore)
            {
                session.Writer.Raw(" MODSEQ (").Number(change.ModSeq).Raw(")");
            }

            session.Writer.Raw(")\r\n");
        }

        void FlushExists(ref bool dirty)
        {
            if (dirty)
            {
                session.Writer.Raw("* ").Number(selected.Count).Raw(" EXISTS\r\n");
                if (!session.IsRev2)
                {
                    // RFC 3501 §7.3.2: the RECENT count goes with the new EXISTS.
                    session.Writer.Raw("* ").Number(selected.RecentCount).Raw(" RECENT\r\n");
                }

                dirty = false;
            }
        }
    }

    /// <summary>
    /// An IMAP4rev1 session with the mailbox selected read-write is the first to hear of new messages, so it claims
    /// them as \Recent (RFC 3501 §2.3.2) before reporting them; another session that claimed them first keeps them.
    /// </summary>
    public static void ClaimRecent(ImapSession session)
    {
        if (session.Selected is not { ClaimsRecent: true } selected)
        {
            return;
        }

        selected.DrainChanges();
        if (!selected.HasPending || !selected.Updates.HasOrdered)
        {
            return;
        }

        var newest = 0u;
        foreach (var change in selected.Updates.Ordered)
        {
            if (change.Kind == ChangeKind.Appended && change.Uid >= selected.RecentClaimedTo && change.Uid > newest)
            {
                newest = change.Uid;
            }
        }

        if (newest == 0)
        {
            return;
        }

        var (from, to) = TryClaimRecent(session, selected.Info, newest + 1);
        selected.AddRecent(from, to);
        selected.RecentClaimedTo = newest + 1;
    }

    /// <summary>
    /// The store's claim of \Recent up to <paramref name="uidLimit"/>; \Recent is advisory, so a store that cannot
    /// read the mailbox's claim leaves the messages unclaimed rather than failing the command.
    /// </summary>
    public static (uint From, uint To) TryClaimRecent(ImapSession session, EdgeMail.Store.Mailboxes.MailboxInfo mailbox, uint uidLimit)
    {
        try
        {
            return session.Store.ClaimRecent(mailbox.Id, mailbox.UidValidity, uidLimit);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RecentNotClaimed(session.Logger, session.Connection.Id, ex.Message);
            return (uidLimit, uidLimit);
        }
    }

    /// <summary>
    /// Before a response uses keywords the client has not been told of: FLAGS and PERMANENTFLAGS again, with them
    /// (RFC 9051 §7.3.5, §7.1 PERMANENTFLAGS; RFC 3501 §7.2.6). Written between responses, never inside one.
    /// </summary>
    public static void AnnounceKeywords(ImapSession session, IReadOnlyList<string>? keywords)
    {
        if (keywords is not { Count: > 0 } || session.Selected is not { } selected)
        {
            return;
        }

        var added = false;
        foreach (var keyword in keywords)
        {
            added |= selected.LearnKeyword(keyword);
        }

        if (added)
        {
            WriteFlagList(session, selected);
        }
    }

    /// <summary>The untagged FLAGS and PERMANENTFLAGS of the selected mailbox (RFC 9051 §6.3.2).</summary>
    public static void WriteFlagList(ImapSession session, SelectedMailbox selected)
    {
        var list = new StringBuilder("(\\Answered \\Flagged \\Deleted \\Seen \\Draft");
        foreach (var keyword in Commands.Select.DefaultKeywords)
        {
            list.Append(' ').Append(keyword);
        }

        // Keywords first seen later follow in their own order (RFC 9051 §7.3.5 prescribes none).
        if (selected.AddedKeywords.Count > 0)
        {
            var added = selected.AddedKeywords.ToArray();
            Array.Sort(added, StringComparer.Ordinal);
            foreach (var keyword in added)
            {
                list.Append(' ').Append(keyword);
            }
        }

        session.Writer.Raw("* FLAGS ").Raw(list.ToString()).Raw(")\r\n");
        session.Writer.Raw("* OK [PERMANENTFLAGS ").Raw(selected.ReadOnly ? "()" : list.Append(" \\*)").ToString()).Raw("] flags permitted\r\n");
    }
}
