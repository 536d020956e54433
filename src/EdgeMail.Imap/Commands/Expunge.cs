using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.3 EXPUNGE, §6.4.9 UID EXPUNGE (RFC 4315 §2.1).
internal static class Expunge
{
    /// <summary>The store publishes each expunge before returning, so the EXPUNGE responses follow from the feed.</summary>
    public static async Task<CommandResult> ExpungeAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.RequireWritable();
        await session.Store.ExpungeAsync(session.RequireSelected().Id, null, onlyDeleted: true, cancellationToken).ConfigureAwait(false);
        return Done(session);
    }

    public static async Task<CommandResult> UidExpungeAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var set = args.ReadSequenceSet();
        args.ExpectEnd();
        session.RequireWritable();
        var selected = session.RequireSelected();
        var uids = MessageSet.Resolve(selected, set, byUid: true, session.Options.MaxMessagesPerCommand);
        if (uids.Count > 0)
        {
            await session.Store.ExpungeAsync(selected.Id, uids, onlyDeleted: true, cancellationToken).ConfigureAwait(false);
        }

        return Done(session);
    }

    private static CommandResult Done(ImapSession session)
    {
        UpdateProjection.Write(session, allowExpunge: true);
        return session.CondStore
            ? CommandResult.WithCode("HIGHESTMODSEQ " + session.RequireSelected().HighestModSeq, "EXPUNGE completed")
            : CommandResult.Done("EXPUNGE completed");
    }
}
