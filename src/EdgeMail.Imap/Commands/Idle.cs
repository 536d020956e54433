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
        var read = session.ReadContinuationLineAsync(session.Options.IdleTimeout, cancellationToken).AsTask();
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (!read.IsCompleted)
        {
            var selected = session.Selected;
            if (selected is null)
            {
                await read.ConfigureAwait(false);
                break;
            }

            var changed = selected.Changes.Reader.WaitToReadAsync(stopWaiting.Token).AsTask();
            var first = await Task.WhenAny(read, changed).ConfigureAwait(false);
            if (first == read)
            {
                await stopWaiting.CancelAsync().ConfigureAwait(false);
                try
                {
                    await changed.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                break;
            }

            if (!await changed.ConfigureAwait(false))
            {
                // The subscription ended (the mailbox was deselected elsewhere): wait for DONE only.
                await read.ConfigureAwait(false);
                break;
            }

            session.WriteUpdates(allowExpunge: true);
            await session.Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (session.State == ImapState.Logout)
            {
                return CommandResult.Done();
            }
        }

        var line = await read.ConfigureAwait(false);
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
