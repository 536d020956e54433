using EdgeMail.Store;
using EdgeMail.Store.Changes;
using EdgeMail.Store.Mailboxes;
using EdgeMail.Store.Messages;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Signals;

/// <summary>What the inbox watcher reports: an account's unseen count, a new message, how many accounts exist.</summary>
internal interface IInboxSignals
{
    /// <summary>The number of messages without \Seen in the account's INBOX, after any change to it.</summary>
    void Unseen(string account, long count);

    /// <summary>A message arrived in the account's INBOX unseen (a delivery, or a client's APPEND of unread mail).</summary>
    void Delivered(string account);

    /// <summary>How many accounts the box has (0: first boot, waiting for the first pairing).</summary>
    void Accounts(int count);
}

/// <summary>
/// Follows the store's change feed for the INBOX of each watched account (Device:MailLed:Accounts; empty = all) and
/// reports unseen counts and arrivals, for the mail LED. Reading a message from any client (IMAP \Seen, a POP3
/// retrieval that marks it seen, another device) reaches it as a flag change, so the count falls as mail is read.
/// It subscribes before it counts, so no change falls between the first count and the feed; an account it does not
/// know yet (added by `user add` or pairing meanwhile) makes it list the accounts again. Counts are re-read once
/// per batch of changes, not per change.
/// </summary>
internal sealed class InboxWatcher
{
    private readonly MailStore _store;
    private readonly HashSet<string> _watched;
    private readonly IInboxSignals _signals;
    private readonly ILogger _logger;

    // INBOX mailbox id -> (account id, address), for the watched accounts.
    private readonly Dictionary<long, (long AccountId, string Address)> _inboxes = [];
    private readonly HashSet<long> _knownAccounts = [];

    public InboxWatcher(MailStore store, IEnumerable<string> watchedAccounts, IInboxSignals signals, ILogger logger)
    {
        _store = store;
        _watched = new HashSet<string>(watchedAccounts, StringComparer.OrdinalIgnoreCase);
        _signals = signals;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        using var changes = _store.Changes.SubscribeAll();
        await RefreshAccountsAsync(stopping).ConfigureAwait(false);
        foreach (var (mailboxId, owner) in _inboxes)
        {
            await RecountAsync(mailboxId, owner, stopping).ConfigureAwait(false);
        }

        var batch = new List<MailboxChange>();
        var dirty = new HashSet<long>();
        while (await changes.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
        {
            var refresh = false;
            while (changes.Reader.TryRead(out var change))
            {
                batch.Add(change);

                // A new account, or a rename that may have made or moved an INBOX: list again before the batch is
                // read, so that a new account's first mail counts as its arrival.
                refresh |= !_knownAccounts.Contains(change.AccountId) || change.Kind is ChangeKind.MailboxRenamed or ChangeKind.MailboxDeleted;
            }

            if (refresh)
            {
                await RefreshAccountsAsync(stopping).ConfigureAwait(false);
                dirty.UnionWith(_inboxes.Keys);
            }

            foreach (var change in batch)
            {
                if (!_inboxes.TryGetValue(change.MailboxId, out var owner))
                {
                    continue;
                }

                if (change.Kind == ChangeKind.Appended && (change.Flags & MessageFlags.Seen) == 0)
                {
                    _signals.Delivered(owner.Address);
                }

                dirty.Add(change.MailboxId);
            }

            foreach (var mailboxId in dirty)
            {
                if (_inboxes.TryGetValue(mailboxId, out var owner))
                {
                    await RecountAsync(mailboxId, owner, stopping).ConfigureAwait(false);
                }
            }

            batch.Clear();
            dirty.Clear();
        }
    }

    private async Task RefreshAccountsAsync(CancellationToken cancellationToken)
    {
        var accounts = await _store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        _inboxes.Clear();
        _knownAccounts.Clear();
        foreach (var account in accounts)
        {
            _knownAccounts.Add(account.Id);
            if (_watched.Count > 0 && !_watched.Contains(account.Address))
            {
                continue;
            }

            if (await _store.GetMailboxAsync(account.Id, "INBOX", cancellationToken).ConfigureAwait(false) is { } inbox)
            {
                _inboxes[inbox.Id] = (account.Id, account.Address);
            }
        }

        _signals.Accounts(accounts.Count);
        Log.InboxesWatched(_logger, _inboxes.Count, accounts.Count);
    }

    private async Task RecountAsync(long mailboxId, (long AccountId, string Address) owner, CancellationToken cancellationToken)
    {
        MailboxStatus status;
        try
        {
            status = await _store.GetStatusAsync(mailboxId, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex) when (ex.Error == StoreError.NotFound)
        {
            // The INBOX went (its account was removed): no unseen mail of it any more. (A rename of INBOX moves its
            // messages to a new mailbox and keeps the INBOX itself, RFC 9051 §6.3.6.)
            _inboxes.Remove(mailboxId);
            _signals.Unseen(owner.Address, 0);
            return;
        }

        _signals.Unseen(owner.Address, status.Unseen);
    }
}
