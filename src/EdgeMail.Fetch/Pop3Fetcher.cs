using EdgeMail.Delivery.Routing;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using MailKit;
using MailStore = EdgeMail.Store.MailStore;
using MailKit.Net.Pop3;

namespace EdgeMail.Fetch;

/// <summary>
/// Pulls one fetch account's POP3 maildrop. The UIDL of each message (RFC 1939 §7: unique in the maildrop and kept
/// across sessions) is its identity; a server without UIDL is refused with a clear line, since without it no client
/// can tell new mail from old. New messages are retrieved one at a time (RETR) with up to Fetch:MaxInFlight commits
/// in flight; with `delete`, DELE is sent only for committed messages and takes effect at QUIT (RFC 1939 §6), after
/// which they are recorded as done. A link lost before QUIT deletes nothing there, and the next pass deletes what
/// is committed here.
/// </summary>
internal sealed class Pop3Fetcher(FetchAccount account, FetchIntake intake, MailStore store, FetchOptions options) : IRemoteFetcher
{
    private const string Folder = "INBOX";

    private readonly Pop3Client _client = new();
    private readonly RemoteLink _link = new();
    private LocalTarget _target = null!;

    public bool CanIdle => false;

    public async Task ConnectAsync(string password, CancellationToken cancellationToken)
    {
        await _link.ConnectAsync(_client, account, options, cancellationToken).ConfigureAwait(false);
        _client.AuthenticationMechanisms.Remove("XOAUTH2");
        _client.AuthenticationMechanisms.Remove("OAUTHBEARER");
        await _client.AuthenticateAsync(account.User, password, cancellationToken).ConfigureAwait(false);
        _target = await intake.ResolveTargetAsync(account, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> IdleAsync(TimeSpan longest, CancellationToken wake, CancellationToken cancellationToken) =>
        throw new NotSupportedException("POP3 has no IDLE");

    public async Task<int> SyncAsync(bool inboxOnly, CancellationToken cancellationToken)
    {
        IList<string> uidls;
        try
        {
            uidls = _client.Count == 0 ? [] : await _client.GetMessageUidsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Pop3CommandException)
        {
            throw new NotSupportedException("the POP3 server has no UIDL (RFC 1939 §7): without it new mail cannot be told from old");
        }

        var sizes = _client.Count == 0 ? [] : await _client.GetMessageSizesAsync(cancellationToken).ConfigureAwait(false);
        var seen = (await store.GetFetchSeenAsync(account.Id, Folder, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.Key, StringComparer.Ordinal);
        var delete = account.RemoteAction == FetchRemoteAction.Delete;
        var deleted = new List<string>();
        var fetched = 0;
        var inFlight = new Queue<(int Index, string Key, Task<bool> Stored)>();
        async Task DrainAsync(int leave)
        {
            while (inFlight.Count > leave)
            {
                var (index, key, task) = inFlight.Dequeue();
                if (await task.ConfigureAwait(false))
                {
                    fetched++;
                }

                if (delete)
                {
                    await _client.DeleteMessageAsync(index, cancellationToken).ConfigureAwait(false);
                    deleted.Add(key);
                }
            }
        }

        try
        {
            for (var index = 0; index < uidls.Count; index++)
            {
                var key = uidls[index];
                if (seen.TryGetValue(key, out var earlier))
                {
                    // Committed before; deleted now if an earlier pass did not get to its QUIT.
                    if (delete && earlier.RemoteActionPending)
                    {
                        await _client.DeleteMessageAsync(index, cancellationToken).ConfigureAwait(false);
                        deleted.Add(key);
                    }

                    continue;
                }

                var origin = new FetchOrigin(account.Id, Folder, 0, key, null, sizes[index], null, delete);
                if (origin.RemoteSize > intake.MaxMessageBytes)
                {
                    await intake.DeliverTooLargeNoticeAsync(account, _link, _target, origin, null, null, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // One message in memory at a time: MailKit reads the RETR response into the stream it hands out.
                await using (var stream = await _client.GetStreamAsync(index, false, cancellationToken).ConfigureAwait(false))
                {
                    inFlight.Enqueue((index, key, await intake.StageAsync(account, _link, _target, origin, stream, null, cancellationToken).ConfigureAwait(false)));
                }

                await DrainAsync(options.MaxInFlight - 1).ConfigureAwait(false);
            }
        }
        finally
        {
            await DrainAsync(0).ConfigureAwait(false);
        }

        // QUIT makes the DELEs take effect (RFC 1939 §6); only then are they done.
        await _client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        await store.CompleteFetchRemoteActionAsync(account.Id, Folder, 0, deleted, cancellationToken).ConfigureAwait(false);
        var present = uidls.ToHashSet(StringComparer.Ordinal);
        present.ExceptWith(deleted);
        await store.ForgetFetchSeenAsync(account.Id, Folder, 0, seen.Keys.Where(k => !present.Contains(k)).ToList(), cancellationToken).ConfigureAwait(false);
        return fetched;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            // No QUIT here: a session that did not finish must not commit its DELEs.
            try
            {
                await _client.DisconnectAsync(false).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or Pop3ProtocolException or ServiceNotConnectedException)
            {
            }
        }

        _client.Dispose();
    }
}
