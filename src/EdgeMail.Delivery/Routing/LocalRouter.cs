using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Delivery.Routing;

/// <summary>
/// From a local address to the mailbox its mail goes to: domain (the host's "Domains"), account, INBOX. Aliases and
/// Sieve rules plug in here, between the account and the mailbox.
/// </summary>
public sealed class LocalRouter(MailStore store, LocalDomains domains, string? postmasterAccount)
{
    public LocalDomains Domains => domains;

    /// <summary>Whether mail for the address is ours to deliver: one of our domains, or the bare "postmaster".</summary>
    public bool IsLocal(string address) => IsPostmaster(address) || domains.Contains(LocalDomains.DomainOf(address));

    /// <summary>The mailbox for a local address, or null when no account has it (RFC 5321 §3.6.2: refused, not bounced).</summary>
    public async Task<LocalTarget?> RouteAsync(string address, CancellationToken cancellationToken = default)
    {
        var bare = IsPostmaster(address);
        var normalized = AddressRules.Normalize(bare ? $"postmaster@{domains.All.First()}" : address);
        var account = await store.FindAccountAsync(normalized, cancellationToken).ConfigureAwait(false);
        if (account is null && normalized.StartsWith("postmaster@", StringComparison.OrdinalIgnoreCase))
        {
            account = await FindPostmasterAsync(cancellationToken).ConfigureAwait(false);
        }

        if (account is null)
        {
            return null;
        }

        var inbox = await store.GetMailboxAsync(account.Id, "INBOX", cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"the account {account.Address} has no INBOX");
        return new LocalTarget(account.Id, inbox.Id);
    }

    /// <summary>RFC 5321 §4.1.1.3: "postmaster" without a domain is always accepted.</summary>
    private static bool IsPostmaster(string address) => !address.Contains('@', StringComparison.Ordinal);

    /// <summary>RFC 5321 §4.5.1: every domain must accept mail for postmaster; it goes to a chosen or the oldest account.</summary>
    private async Task<Account?> FindPostmasterAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(postmasterAccount))
        {
            return await store.FindAccountAsync(postmasterAccount, cancellationToken).ConfigureAwait(false);
        }

        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        return accounts.OrderBy(a => a.Created).ThenBy(a => a.Id).FirstOrDefault();
    }
}
