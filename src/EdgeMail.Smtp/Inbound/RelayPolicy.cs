using System.Net;
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Smtp.Inbound;

/// <summary>
/// Which recipients and senders are accepted. Local domains are delivered locally and only to existing accounts;
/// anything else only from an authenticated user or a trusted network, and only to allowed domains. Never an open relay.
/// </summary>
public sealed class RelayPolicy
{
    private readonly MailStore _store;
    private readonly LocalDomains _domains;
    private readonly RelayOptions _relay;
    private readonly SmtpOptions _smtp;
    private readonly IPNetwork[] _trusted;

    public RelayPolicy(MailStore store, LocalDomains domains, SmtpOptions smtp, RelayOptions relay)
    {
        _store = store;
        _domains = domains;
        _smtp = smtp;
        _relay = relay;
        _trusted = smtp.EffectiveTrustedNetworks.Select(n => IPNetwork.Parse(n)).ToArray();
    }

    public LocalDomains Domains => _domains;

    /// <summary>A client address in Smtp:TrustedNetworks (IPv4-mapped IPv6 is compared as IPv4).</summary>
    public bool IsTrusted(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _trusted.Any(n => n.Contains(plain));
    }

    /// <summary>RFC 6409 §6.1: an authenticated user sends as themselves (unless Smtp:RestrictSenderToAccount is off).</summary>
    internal void CheckSender(ClientTrust client, string sender)
    {
        if (client.IsAuthenticated && _smtp.RestrictSenderToAccount &&
            !string.Equals(sender, client.AccountAddress, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolException(SmtpReplies.SenderNotOwned);
        }
    }

    /// <summary>Decides one RCPT; throws the reply that refuses it.</summary>
    internal async Task<RecipientTarget> CheckRecipientAsync(ClientTrust client, string address, CancellationToken cancellationToken)
    {
        var postmaster = !address.Contains('@', StringComparison.Ordinal);
        var domain = postmaster ? _domains.All.First() : LocalDomains.DomainOf(address);
        if (_domains.Contains(domain))
        {
            // RFC 5321 §3.6.2: local recipients need an account; unknown ones are refused now, not bounced later.
            var account = await _store.FindAccountAsync(AddressRules.Normalize(postmaster ? $"postmaster@{domain}" : address), cancellationToken).ConfigureAwait(false);
            if (account is null && (postmaster || address.StartsWith("postmaster@", StringComparison.OrdinalIgnoreCase)))
            {
                account = await FindPostmasterAsync(cancellationToken).ConfigureAwait(false);
            }

            if (account is null)
            {
                throw new ProtocolException(SmtpReplies.NoSuchUser);
            }

            var inbox = await _store.GetMailboxAsync(account.Id, "INBOX", cancellationToken).ConfigureAwait(false)
                ?? throw new ProtocolException(SmtpReplies.LocalError, clientFault: false);
            return new RecipientTarget(address, inbox.Id);
        }

        if (!client.IsAuthenticated && !IsTrusted(client.Address))
        {
            throw new ProtocolException(SmtpReplies.RelayDenied);
        }

        if (_relay.AllowedDomains.Length > 0 && !_relay.AllowedDomains.Any(d => IsSameOrSubdomain(domain, d)))
        {
            throw new ProtocolException(SmtpReplies.DomainNotAllowed);
        }

        return new RecipientTarget(address, null);
    }

    /// <summary>RFC 5321 §4.5.1: every domain must accept mail for postmaster; it goes to a chosen or the oldest account.</summary>
    private async Task<Account?> FindPostmasterAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_smtp.PostmasterAccount))
        {
            return await _store.FindAccountAsync(_smtp.PostmasterAccount, cancellationToken).ConfigureAwait(false);
        }

        var accounts = await _store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        return accounts.OrderBy(a => a.Created).ThenBy(a => a.Id).FirstOrDefault();
    }

    private static bool IsSameOrSubdomain(string domain, string allowed)
    {
        allowed = allowed.Trim().TrimEnd('.');
        domain = domain.TrimEnd('.');
        return domain.Equals(allowed, StringComparison.OrdinalIgnoreCase) ||
            domain.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase);
    }
}
