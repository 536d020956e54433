using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Mailboxes;

namespace EdgeMail.Pop3.Session;

/// <summary>
/// Removing messages from the INBOX, for the UPDATE state (RFC 1939 §6) and for Pop3:ExpireDays (RFC 2449 §6.7).
/// Both go through the store, so IMAP sessions see each removal as an EXPUNGE from the change feed.
/// </summary>
internal static class Removal
{
    /// <summary>Expunges the messages, or moves them to the account's Trash; returns how many left the INBOX.</summary>
    public static async Task<int> RemoveAsync(MailStore store, MailboxInfo inbox, IReadOnlyList<uint> uids, Pop3DeleteMode mode, CancellationToken cancellationToken)
    {
        if (uids.Count == 0 || mode == Pop3DeleteMode.Keep)
        {
            return 0;
        }

        if (mode == Pop3DeleteMode.MoveToTrash)
        {
            var trash = await FindTrashAsync(store, inbox.AccountId, cancellationToken).ConfigureAwait(false);
            var moved = await store.MoveAsync(inbox.Id, uids, trash.Id, cancellationToken).ConfigureAwait(false);
            return moved.SourceUids.Count;
        }

        var expunged = await store.ExpungeAsync(inbox.Id, uids, onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        return expunged.Count;
    }

    /// <summary>
    /// Pop3:ExpireDays: removes the messages first retrieved that many days ago or earlier, before the maildrop is
    /// listed. They are removed as DELE would (to Trash with MoveToTrash), and expunged when DeleteMode is Keep:
    /// keeping is what DELE does, expiry is a separate promise to the user.
    /// </summary>
    public static Task<int> ExpireAsync(Pop3Session session, Account account, CancellationToken cancellationToken) =>
        ExpireAsync(session.Store, session.Options, session.Time, session.Logger, account, cancellationToken);

    /// <summary>The same for one account outside a session (the periodic sweep); returns how many were removed.</summary>
    public static async Task<int> ExpireAsync(MailStore store, Pop3Options options, TimeProvider time, Microsoft.Extensions.Logging.ILogger logger, Account account, CancellationToken cancellationToken)
    {
        if (options.ExpireDays is not { } days || days == 0)
        {
            return 0;
        }

        var inbox = await store.GetMailboxAsync(account.Id, MailboxName.Inbox, cancellationToken).ConfigureAwait(false);
        if (inbox is null)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        var uids = await store.ListRetrievedBeforeAsync(inbox.Id, cutoff, cancellationToken).ConfigureAwait(false);
        var mode = options.DeleteMode == Pop3DeleteMode.Keep ? Pop3DeleteMode.Expunge : options.DeleteMode;
        var removed = await RemoveAsync(store, inbox, uids, mode, cancellationToken).ConfigureAwait(false);
        if (removed > 0)
        {
            Log.Expired(logger, removed, account.Address, days);
        }

        return removed;
    }

    private static async Task<MailboxInfo> FindTrashAsync(MailStore store, long accountId, CancellationToken cancellationToken)
    {
        var mailboxes = await store.ListMailboxesAsync(accountId, cancellationToken).ConfigureAwait(false);
        var trash = mailboxes.FirstOrDefault(m => m.SpecialUse == SpecialUse.Trash);
        if (trash is not null)
        {
            return trash;
        }

        // The user deleted Trash: make it again rather than lose the messages they asked to keep there.
        try
        {
            return await store.CreateMailboxAsync(accountId, "Trash", SpecialUse.Trash, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.AlreadyExists)
        {
            return (await store.GetMailboxAsync(accountId, "Trash", cancellationToken).ConfigureAwait(false))!;
        }
    }
}
