using EdgeMail.Pop3.Session;
using EdgeMail.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Pop3;

/// <summary>
/// Pop3:ExpireDays for every account, every Pop3:ExpirySweepInterval (RFC 2449 §6.7 EXPIRE: retrieved messages are
/// removed that many days later, whether or not the user fetches again). An account whose maildrop a POP3 session
/// holds is skipped until the next sweep, so a session's message numbers never change under it (RFC 1939 §4).
/// </summary>
public sealed class Pop3ExpiryService(MailStore store, Pop3Maildrops maildrops, Pop3Options options, TimeProvider time, ILogger<Pop3ExpiryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ExpireDays is null)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await SweepAsync(stoppingToken).ConfigureAwait(false);
            await Task.Delay(options.ExpirySweepInterval, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>One sweep over every account; returns how many messages were removed.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var account in await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false))
        {
            using var lease = maildrops.Locks.TryAcquire(account.Id);
            if (lease is null)
            {
                continue;
            }

            try
            {
                removed += await Removal.ExpireAsync(store, options, time, logger, account, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException)
            {
                // The account or its INBOX went away meanwhile; the next sweep sees the rest.
            }
        }

        return removed;
    }
}
