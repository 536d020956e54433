// RFC 1939 §4 QUIT in AUTHORIZATION, §6 QUIT and the UPDATE state; RFC 2449 §6.7 EXPIRE 0.
using EdgeMail.Pop3.Protocol;
using EdgeMail.Pop3.Session;
using EdgeMail.Store.Messages;

namespace EdgeMail.Pop3.Commands;

internal static class Quit
{
    public static async ValueTask<Pop3Reply> RunAsync(Pop3Session session, Pop3Command command, CancellationToken stopping)
    {
        session.Closing = true;
        if (session.State != Pop3State.Transaction)
        {
            return Pop3Replies.Goodbye;
        }

        var maildrop = session.Maildrop!;
        var options = session.Options;
        var store = session.Store;
        var inbox = maildrop.Inbox;

        // RFC 2449 §6.7: with EXPIRE 0 the client may not leave mail on the server, so retrieved means removed,
        // whatever DeleteMode says. With Keep, DELE removes nothing.
        var expireNow = options.ExpireDays == 0;
        var keepDeleted = options.DeleteMode == Pop3DeleteMode.Keep;
        var remove = maildrop.Messages.Where(m => (m.Deleted && !keepDeleted) || (expireNow && m.Retrieved)).Select(m => m.Record.Uid).ToList();
        var removing = remove.ToHashSet();
        var retrieved = maildrop.Messages.Where(m => m.Retrieved && !removing.Contains(m.Record.Uid)).Select(m => m.Record.Uid).ToList();
        var mode = keepDeleted ? Pop3DeleteMode.Expunge : options.DeleteMode;
        try
        {
            if (retrieved.Count > 0)
            {
                // As Dovecot does by default: what a POP3 client downloaded shows as read in IMAP.
                await store.StoreFlagsAsync(inbox.Id, retrieved, FlagOperation.Add, MessageFlags.Seen, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                if (options.ExpireDays is > 0)
                {
                    await store.RecordRetrievedAsync(inbox.Id, retrieved, CancellationToken.None).ConfigureAwait(false);
                }
            }

            var removed = await Removal.RemoveAsync(store, inbox, remove, mode, CancellationToken.None).ConfigureAwait(false);
            Log.Updated(session.Logger, session.Account!.Address, removed, options.DeleteMode, retrieved.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // RFC 1939 §6: if removing fails, say so; the session still ends and releases the maildrop.
            Log.UpdateFailed(session.Logger, session.Account!.Address, ex);
            session.ReleaseMaildrop();
            return Pop3Replies.SomeNotRemoved;
        }

        session.ReleaseMaildrop();
        return Pop3Replies.Goodbye;
    }
}
