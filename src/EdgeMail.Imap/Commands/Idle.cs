using EdgeMail.Imap.Protocol;
using EdgeMail.Imap.Session;

namespace EdgeMail.Imap.Commands;

// RFC 2177 IDLE (RFC 9051 §6.3.13): changes are sent at once while idling; DONE ends it.
internal static class Idle
{
    public static async Task<CommandResult> IdleAsync(ImapSession session, ImapCommand command, CancellationToken cancellationToken)
    {
        command.Arguments().ExpectEnd();
        session.Writer.Raw("+ idling\r\n");
        session.WriteUpdates(allowExpunge: true);
        await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);

        // IDLE renews the autologout timer (RFC 9051 §5.4): the wait for DONE gets the full idle timeout.
        var started = session.Time.GetTimestamp();
        using (var wait = new IdleWait(session.Connection, session.Selected?.Changes, session.Time, session.Options.IdleTimeout, cancellationToken))
        {
            // The wait released the connection's pipes (when they held nothing): let go of the old writer too.
            session.Writer.Detach();
            while (true)
            {
                var wake = await wait.NextAsync().ConfigureAwait(false);
                // The connection let its pipes go while waiting; whatever is written now goes through new ones.
                session.Writer.Output = session.Connection.Output;
                if (wake == IdleWake.Input)
                {
                    break;
                }

                if (wake == IdleWake.Stopping)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (wake == IdleWake.TimedOut)
                {
                    await session.SayByeAsync("autologout: idle for too long").ConfigureAwait(false);
                    return CommandResult.Done();
                }

                session.WriteUpdates(allowExpunge: true);
                await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (session.State == ImapState.Logout)
                {
                    return CommandResult.Done();
                }

                if (session.Connection.ReleasePipes())
                {
                    session.Writer.Detach();
                }
            }
        }

        // The client spoke: DONE should be all of it, within what is left of the idle timeout.
        var left = session.Options.IdleTimeout - session.Time.GetElapsedTime(started);
        var line = await session.ReadContinuationLineAsync(left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            await session.SayByeAsync("autologout: idle for too long").ConfigureAwait(false);
            return CommandResult.Done();
        }

        if (!line.Equals("DONE", StringComparison.OrdinalIgnoreCase))
        {
            throw ImapException.Bad(null, "IDLE ends with DONE");
        }

        return CommandResult.Done("IDLE terminated");
    }
}
