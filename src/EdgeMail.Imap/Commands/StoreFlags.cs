using System.Globalization;
using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;
using EdgeMail.Store.Messages;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.6 STORE, §6.4.9 UID STORE; RFC 7162 §3.1.3 UNCHANGEDSINCE and [MODIFIED], §3.1.4 MODSEQ in FETCH.
internal static class StoreFlags
{
    public static Task<CommandResult> StoreAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: false, cancellationToken);

    public static Task<CommandResult> UidStoreAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: true, cancellationToken);

    private static async Task<CommandResult> RunAsync(ImapSession session, ImapCommand command, bool byUid, CancellationToken cancellationToken)
    {
        var request = Parse(command);
        session.RequireWritable();
        var selected = session.RequireSelected();
        if (request.UnchangedSince is not null)
        {
            session.Enabled.Add("CONDSTORE");
        }

        var uids = MessageSet.Resolve(selected, request.Set, byUid, session.Options.MaxMessagesPerCommand);
        uids.RemoveAll(selected.IsExpunged);
        var (flags, keywords) = Select.SplitFlags(request.Flags);
        var result = uids.Count == 0
            ? new StoreFlagsResult([], [])
            : await session.Store.StoreFlagsAsync(selected.Id, uids, request.Operation, flags, keywords, request.UnchangedSince, cancellationToken).ConfigureAwait(false);
        // The feed has this STORE's own changes by now (they are published before the store call returns), and any
        // other session's change committed before it.
        selected.DrainChanges();
        foreach (var change in result.Changed)
        {
            // RFC 9051 §6.4.6: a flag change from elsewhere, folded into this one, is reported even for .SILENT, so
            // that the client's idea of the flags is exact; ImapSession invariant 7 keeps older states from following.
            var external = selected.Updates.Reporting(change.Uid, change.ModSeq);
            var withFlags = !request.Silent || external;

            // RFC 7162 §3.1.4: with CONDSTORE on, MODSEQ is reported even for .SILENT.
            if (!withFlags && !session.CondStore)
            {
                continue;
            }

            var seq = selected.SequenceOf(change.Uid);
            if (seq == 0)
            {
                continue;
            }

            var items = new List<string>(3);
            if (withFlags)
            {
                UpdateProjection.AnnounceKeywords(session, change.Keywords);
                items.Add("FLAGS " + FlagText.Format(change.Flags, change.Keywords, selected.IsRecent(change.Uid)));
            }

            if (byUid)
            {
                items.Add("UID " + change.Uid.ToString(CultureInfo.InvariantCulture));
            }

            if (session.CondStore)
            {
                items.Add("MODSEQ (" + change.ModSeq.ToString(CultureInfo.InvariantCulture) + ")");
            }

            session.Writer.Raw("* ").Number(seq).Raw(" FETCH (").Raw(string.Join(' ', items)).Raw(")\r\n");
        }

        if (result.Modified.Count > 0)
        {
            // RFC 7162 §3.1.3: the messages not changed because they were modified after UNCHANGEDSINCE.
            var set = byUid ? result.Modified : result.Modified.Select(u => (uint)selected.SequenceOf(u)).Order().ToList();
            return CommandResult.WithCode("MODIFIED " + SequenceSet.Format(set), "conditional STORE failed for some messages");
        }

        return CommandResult.Done("STORE completed");
    }

    private sealed record Request(SequenceSet Set, ulong? UnchangedSince, FlagOperation Operation, bool Silent, List<string> Flags);

    private static Request Parse(ImapCommand command)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var set = args.ReadSequenceSet();
        args.ReadSpace();
        ulong? unchangedSince = null;
        if (args.TryReadByte((byte)'('))
        {
            if (!args.TryReadKeyword("UNCHANGEDSINCE"))
            {
                throw new ImapParseException("unknown STORE modifier");
            }

            args.ReadSpace();
            unchangedSince = args.ReadNumber64();
            args.Expect(')');
            args.ReadSpace();
        }

        var operation = args.TryReadByte((byte)'+') ? FlagOperation.Add : args.TryReadByte((byte)'-') ? FlagOperation.Remove : FlagOperation.Replace;
        var silent = args.TryReadKeyword("FLAGS.SILENT");
        if (!silent && !args.TryReadKeyword("FLAGS"))
        {
            throw new ImapParseException("FLAGS, +FLAGS or -FLAGS expected");
        }

        args.ReadSpace();
        List<string> flags;
        if (args.Peek == '(')
        {
            flags = args.ReadFlagList();
        }
        else
        {
            flags = [];
            do
            {
                flags.Add(args.ReadFlag());
            }
            while (args.TryReadSpace());
        }

        args.ExpectEnd();
        return new Request(set, unchangedSince, operation, silent, flags);
    }
}
