using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 2177 IDLE (RFC 9051 §6.3.13): changes are sent at once while idling; DONE ends it.
internal static class Idle
{
    /// <summary>
    /// Starts idling: the continuation request and what is pending now. The session's command loop then waits
    /// (<see cref="ImapSession.RunAsync"/>) and sends the tagged reply after DONE: a client sits in IDLE for hours,
    /// and waiting there rather than in this handler keeps no handler state alive meanwhile.
    /// </summary>
    public static async Task<CommandResult> IdleAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Writer.Raw("+ idling\r\n");
        UpdateProjection.Write(session, allowExpunge: true);
        await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        session.StartIdle(command.Tag);
        return CommandResult.AlreadyAnswered;
    }
}
