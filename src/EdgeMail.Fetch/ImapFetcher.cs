using System.Globalization;
using EdgeMail.Delivery.Routing;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using MailKit;
using MailStore = EdgeMail.Store.MailStore;
using MailKit.Net.Imap;
using MailKit.Search;

namespace EdgeMail.Fetch;

/// <summary>
/// Pulls one fetch account's IMAP folders. Per folder: the remote UIDs (UID SEARCH ALL) against what is recorded as
/// committed under the folder's UIDVALIDITY (RFC 9051 §2.3.1.1: a UID names a message only together with it); the
/// remote action an interrupted pass left undone; the new messages in batches of Fetch:BatchSize (one UID FETCH of
/// their size, date and envelope, one of their bodies, streamed into staging one at a time with up to
/// Fetch:MaxInFlight commits in flight, which share fsyncs); each committed with its identity in the same
/// transaction; the remote action (\Deleted and UID EXPUNGE, or UID MOVE) only after that commit. A changed
/// UIDVALIDITY is matched by the fallback key (Message-ID, remote RFC822.SIZE, INTERNALDATE) before anything is
/// fetched again.
/// </summary>
internal sealed class ImapFetcher(FetchAccount account, FetchIntake intake, MailStore store, FetchOptions options) : IRemoteFetcher
{
    private const MessageSummaryItems Summary = MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate | MessageSummaryItems.Envelope;

    private readonly ImapClient _client = new();
    private readonly RemoteLink _link = new();
    private LocalTarget _target = null!;
    private int _inboxCountAtSync = -1;

    public bool CanIdle => options.UseIdle && _client.IsConnected && _client.Capabilities.HasFlag(ImapCapabilities.Idle) && account.Folders.Any(IsInbox);

    public async Task ConnectAsync(string password, CancellationToken cancellationToken)
    {
        await _link.ConnectAsync(_client, account, options, cancellationToken).ConfigureAwait(false);

        // XOAUTH2 and OAUTHBEARER want a token, not the password we have.
        _client.AuthenticationMechanisms.Remove("XOAUTH2");
        _client.AuthenticationMechanisms.Remove("OAUTHBEARER");
        await _client.AuthenticateAsync(account.User, password, cancellationToken).ConfigureAwait(false);
        _target = await intake.ResolveTargetAsync(account, cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> SyncAsync(bool inboxOnly, CancellationToken cancellationToken)
    {
        var fetched = 0;
        foreach (var name in account.Folders)
        {
            if (!inboxOnly || IsInbox(name))
            {
                fetched += await SyncFolderAsync(name, cancellationToken).ConfigureAwait(false);
            }
        }

        return fetched;
    }

    public async Task<bool> IdleAsync(TimeSpan longest, CancellationToken wake, CancellationToken cancellationToken)
    {
        var inbox = _client.Inbox;
        if (!inbox.IsOpen)
        {
            await inbox.OpenAsync(Access, cancellationToken).ConfigureAwait(false);
        }

        // News that came in untagged while the last sync ran (an EXISTS in a FETCH response) counts as news.
        if (inbox.Count != _inboxCountAtSync)
        {
            return true;
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(wake);
        done.CancelAfter(longest);
        var news = false;
        void OnNews(object? sender, EventArgs e)
        {
            news = true;
            done.Cancel();
        }

        inbox.CountChanged += OnNews;
        try
        {
            await _client.IdleAsync(done.Token, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            inbox.CountChanged -= OnNews;
        }

        return news || inbox.Count != _inboxCountAtSync;
    }

    private FolderAccess Access => account.RemoteAction == FetchRemoteAction.Keep ? FolderAccess.ReadOnly : FolderAccess.ReadWrite;

    private static bool IsInbox(string name) => name.Equals("INBOX", StringComparison.OrdinalIgnoreCase);

    private async Task<int> SyncFolderAsync(string name, CancellationToken cancellationToken)
    {
        var folder = IsInbox(name) ? _client.Inbox : await _client.GetFolderAsync(name, cancellationToken).ConfigureAwait(false);
        await folder.OpenAsync(Access, cancellationToken).ConfigureAwait(false);
        var uidValidity = (long)folder.UidValidity;
        var uids = folder.Count == 0 ? [] : await folder.SearchAsync(SearchQuery.All, cancellationToken).ConfigureAwait(false);
        if (IsInbox(name))
        {
            _inboxCountAtSync = folder.Count;
        }

        var seen = await store.GetFetchSeenAsync(account.Id, name, cancellationToken).ConfigureAwait(false);
        var current = seen.Where(s => s.UidValidity == uidValidity).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var older = seen.Where(s => s.UidValidity != uidValidity).ToList();
        var remote = uids.Select(Key).ToHashSet(StringComparer.Ordinal);

        // What an interrupted pass committed here but did not yet delete or move there.
        var pending = current.Values.Where(s => s.RemoteActionPending).Select(s => s.Key).ToList();
        await ApplyRemoteActionAsync(folder, name, uidValidity, pending.Where(remote.Contains).ToList(), pending, cancellationToken).ConfigureAwait(false);

        // What is gone from the provider is forgotten, so that the record stays the size of the remote folder.
        await store.ForgetFetchSeenAsync(account.Id, name, uidValidity, current.Keys.Where(k => !remote.Contains(k)).ToList(), cancellationToken).ConfigureAwait(false);

        var fresh = uids.Where(u => !current.ContainsKey(Key(u))).ToList();
        var fallback = older.Count == 0 ? null : older.GroupBy(FallbackKey).ToDictionary(g => g.Key, g => new Queue<FetchSeen>(g));
        var fetched = 0;
        for (var start = 0; start < fresh.Count; start += options.BatchSize)
        {
            var batch = fresh.GetRange(start, Math.Min(options.BatchSize, fresh.Count - start));
            fetched += await FetchBatchAsync(folder, name, uidValidity, batch, fallback, cancellationToken).ConfigureAwait(false);
        }

        // Every message under the new UIDVALIDITY is now recorded; the older generations name nothing any more.
        foreach (var generation in older.GroupBy(o => o.UidValidity))
        {
            await store.ForgetFetchSeenAsync(account.Id, name, generation.Key, generation.Select(o => o.Key).ToList(), cancellationToken).ConfigureAwait(false);
        }

        return fetched;
    }

    private async Task<int> FetchBatchAsync(IMailFolder folder, string name, long uidValidity, IList<UniqueId> batch, Dictionary<(string?, long, long?), Queue<FetchSeen>>? fallback, CancellationToken cancellationToken)
    {
        var summaries = await folder.FetchAsync(batch, Summary, cancellationToken).ConfigureAwait(false);
        var pendingAction = account.RemoteAction != FetchRemoteAction.Keep;
        var origins = new Dictionary<uint, FetchOrigin>();
        var aliases = new List<FetchOrigin>();
        var done = new List<string>();
        var tooLarge = new List<(IMessageSummary Summary, FetchOrigin Origin)>();
        foreach (var summary in summaries)
        {
            var origin = new FetchOrigin(account.Id, name, uidValidity, Key(summary.UniqueId), summary.Envelope?.MessageId, (long)(summary.Size ?? 0), summary.InternalDate, pendingAction);
            if (fallback is not null && fallback.TryGetValue(FallbackKey(origin), out var matches) && matches.TryDequeue(out var earlier))
            {
                // The same message under a new UIDVALIDITY: its local copy is here already.
                aliases.Add(origin with { RemoteActionPending = earlier.RemoteActionPending });
                if (earlier.RemoteActionPending)
                {
                    done.Add(origin.Key);
                }

                continue;
            }

            if (origin.RemoteSize > intake.MaxMessageBytes)
            {
                tooLarge.Add((summary, origin));
                continue;
            }

            origins[summary.UniqueId.Id] = origin;
        }

        await store.RecordFetchSeenAsync(aliases, cancellationToken).ConfigureAwait(false);
        foreach (var (summary, origin) in tooLarge)
        {
            await intake.DeliverTooLargeNoticeAsync(account, _link, _target, origin, summary.Envelope?.From?.ToString(), summary.Envelope?.Subject, cancellationToken).ConfigureAwait(false);
        }

        var inFlight = new Queue<(string Key, Task<bool> Stored)>();
        var stored = 0;
        Exception? failure = null;
        async Task DrainAsync(int leave)
        {
            while (inFlight.Count > leave)
            {
                var (key, task) = inFlight.Dequeue();
                try
                {
                    if (await task.ConfigureAwait(false))
                    {
                        stored++;
                    }

                    done.Add(key);
                }
                catch (Exception ex) when (ex is StoreException or IOException)
                {
                    // Not committed: fetched again next time. Nothing after it is deleted or moved in this pass.
                    failure ??= ex;
                }
            }

            if (failure is not null)
            {
                throw failure;
            }
        }

        if (origins.Count > 0)
        {
            var wanted = batch.Where(u => origins.ContainsKey(u.Id)).ToList();
            try
            {
                await ((ImapFolder)folder).GetStreamsAsync(wanted, async (_, _, uid, stream, token) =>
                {
                    var origin = origins[uid.Id];
                    var delivery = await intake.StageAsync(account, _link, _target, origin, stream, origin.RemoteDate, token).ConfigureAwait(false);
                    inFlight.Enqueue((origin.Key, delivery));
                    await DrainAsync(options.MaxInFlight - 1).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Whatever was staged is committed (or refused) before anything else happens, even when the link broke.
                await DrainAsync(0).ConfigureAwait(false);
            }
        }

        if (pendingAction)
        {
            await ApplyRemoteActionAsync(folder, name, uidValidity, done, done, cancellationToken).ConfigureAwait(false);
        }

        return stored;
    }

    /// <summary>Deletes or moves <paramref name="present"/> on the provider, then records <paramref name="complete"/> as done.</summary>
    private async Task ApplyRemoteActionAsync(IMailFolder folder, string name, long uidValidity, List<string> present, List<string> complete, CancellationToken cancellationToken)
    {
        if (complete.Count == 0)
        {
            return;
        }

        if (present.Count > 0)
        {
            var uids = present.Select(k => new UniqueId((uint)uidValidity, uint.Parse(k, CultureInfo.InvariantCulture))).ToList();
            if (account.RemoteAction == FetchRemoteAction.Move)
            {
                var target = await _client.GetFolderAsync(account.MoveTo!, cancellationToken).ConfigureAwait(false);
                await folder.MoveToAsync(uids, target, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await folder.StoreAsync(uids, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, cancellationToken).ConfigureAwait(false);
                if (_client.Capabilities.HasFlag(ImapCapabilities.UidPlus))
                {
                    await folder.ExpungeAsync(uids, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Without UIDPLUS (RFC 4315) EXPUNGE also removes what another client marked \Deleted, as it would.
                    await folder.ExpungeAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        await store.CompleteFetchRemoteActionAsync(account.Id, name, uidValidity, complete, cancellationToken).ConfigureAwait(false);
    }

    private static string Key(UniqueId uid) => uid.Id.ToString(CultureInfo.InvariantCulture);

    private static (string?, long, long?) FallbackKey(FetchSeen seen) => (seen.MessageId, seen.RemoteSize, seen.RemoteDate?.ToUnixTimeSeconds());

    private static (string?, long, long?) FallbackKey(FetchOrigin origin) => (origin.MessageId, origin.RemoteSize, origin.RemoteDate?.ToUnixTimeSeconds());

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(true, quick.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ImapProtocolException or OperationCanceledException or ServiceNotConnectedException or TimeoutException)
            {
                // LOGOUT is a courtesy; the link may already be gone.
            }
        }

        _client.Dispose();
    }
}
