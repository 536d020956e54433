using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 9051 §6.4.7 COPY, §6.4.8 MOVE (RFC 6851), §6.4.9 UID forms; RFC 4315 §3 COPYUID.
internal static class CopyMove
{
    public static Task<CommandResult> CopyAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: false, move: false, cancellationToken);

    public static Task<CommandResult> UidCopyAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: true, move: false, cancellationToken);

    public static Task<CommandResult> MoveAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: false, move: true, cancellationToken);

    public static Task<CommandResult> UidMoveAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken) =>
        RunAsync(session, command, byUid: true, move: true, cancellationToken);

    private static async Task<CommandResult> RunAsync(ImapSession session, ImapCommand command, bool byUid, bool move, CancellationToken cancellationToken)
    {
        var args = command.Arguments();
        args.ReadSpace();
        var set = args.ReadSequenceSet();
        args.ReadSpace();
        var target = session.DecodeMailboxName(args.ReadAstring());
        args.ExpectEnd();
        var selected = session.RequireSelected();
        if (move)
        {
            session.RequireWritable();
        }

        var uids = MessageSet.Resolve(selected, set, byUid, session.Options.MaxMessagesPerCommand);
        var destination = await session.Store.GetMailboxAsync(session.Account!.Id, target, cancellationToken).ConfigureAwait(false);
        if (destination is null)
        {
            // RFC 9051 §6.4.7: TRYCREATE tells the client it may create the mailbox and retry.
            return CommandResult.No("TRYCREATE", "no such mailbox");
        }

        uids.RemoveAll(selected.IsExpunged);
        if (uids.Count == 0)
        {
            return CommandResult.Done($"{command.Name} completed (no messages)");
        }

        var result = move
            ? await session.Store.MoveAsync(selected.Id, uids, destination.Id, cancellationToken).ConfigureAwait(false)
            : await session.Store.CopyAsync(selected.Id, uids, destination.Id, cancellationToken).ConfigureAwait(false);
        var code = $"COPYUID {result.DestinationUidValidity} {SequenceSet.Format(result.SourceUids)} {SequenceSet.Format(result.DestinationUids)}";
        if (move)
        {
            // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs; the tagged OK carries none.
            session.Writer.Raw("* OK [").Raw(code).Raw("] moved\r\n");
            UpdateProjection.Write(session, allowExpunge: true);
            return CommandResult.Done("MOVE completed");
        }

        return CommandResult.WithCode(code, "COPY completed");
    }
}
