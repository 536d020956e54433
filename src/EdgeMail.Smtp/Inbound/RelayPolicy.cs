using System.Net;
using EdgeMail.Delivery;
using EdgeMail.Delivery.Routing;
using EdgeMail.Smtp.Protocol;
using EdgeMail.Smtp.Relay;
using EdgeMail.Store;

namespace EdgeMail.Smtp.Inbound;

/// <summary>
/// Which recipients and senders are accepted. Local domains are delivered locally and only to existing accounts;
/// anything else only from an authenticated user or a trusted network, and only to allowed domains. Never an open relay.
/// </summary>
public sealed class RelayPolicy
{
    private readonly LocalRouter _router;
    private readonly RelayOptions _relay;
    private readonly SmtpOptions _smtp;
    private readonly IPNetwork[] _trusted;

    public RelayPolicy(MailDelivery delivery, SmtpOptions smtp, RelayOptions relay, OutboundLimiter? limiter = null)
    {
        Limiter = limiter ?? new OutboundLimiter(new RelayOptions { MaxMessagesPerHour = 0 }, TimeProvider.System);
        ArgumentNullException.ThrowIfNull(delivery);
        _router = delivery.Router;
        _smtp = smtp;
        _relay = relay;
        _trusted = smtp.EffectiveTrustedNetworks.Select(n => IPNetwork.Parse(n)).ToArray();
    }

    public LocalDomains Domains => _router.Domains;

    /// <summary>Relay:MaxMessagesPerHour's counts.</summary>
    public OutboundLimiter Limiter { get; }

    /// <summary>A transaction with recipients in other domains was queued: one more message for the sender's hour.</summary>
    internal void Relayed(ClientTrust client) => Limiter.Sent(client.Sender);

    /// <summary>A client address in Smtp:TrustedNetworks (IPv4-mapped IPv6 is compared as IPv4).</summary>
    public bool IsTrusted(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return _trusted.Any(n => n.Contains(plain));
    }

    /// <summary>RFC 6409 §6.1: an authenticated user sends as themselves (unless Smtp:RestrictSenderToAccount is off).</summary>
    internal void CheckSender(ClientTrust client, string sender)
    {
        // A client neither authenticated nor in Smtp:TrustedNetworks (the internet, or a LAN outside them) may not
        // claim one of our own addresses: that is how forged "internal" mail gets to a local inbox.
        if (!client.IsAuthenticated && !IsTrusted(client.Address) && sender.Length > 0 && _router.IsLocal(sender))
        {
            throw new ProtocolException(SmtpReplies.LocalSenderNeedsAuth);
        }

        if (client.IsAuthenticated && _smtp.RestrictSenderToAccount &&
            !string.Equals(sender, client.AccountAddress, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProtocolException(SmtpReplies.SenderNotOwned);
        }
    }

    /// <summary>Decides one RCPT; throws the reply that refuses it.</summary>
    internal async Task<RecipientTarget> CheckRecipientAsync(ClientTrust client, string address, CancellationToken cancellationToken)
    {
        if (_router.IsLocal(address))
        {
            // RFC 5321 §3.6.2: local recipients need an account; unknown ones are refused now, not bounced later.
            LocalTarget? target;
            try
            {
                target = await _router.RouteAsync(address, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreException ex) when (ex.Error == StoreError.NotFound)
            {
                throw new ProtocolException(SmtpReplies.LocalError, clientFault: false);
            }

            return new RecipientTarget(address, target ?? throw new ProtocolException(SmtpReplies.NoSuchUser));
        }

        if (!client.IsAuthenticated && !IsTrusted(client.Address))
        {
            throw new ProtocolException(SmtpReplies.RelayDenied);
        }

        if (!_relay.IsConfigured)
        {
            throw new ProtocolException(SmtpReplies.NoUpstreamRelay);
        }

        var domain = LocalDomains.DomainOf(address);
        if (_relay.AllowedDomains.Length > 0 && !_relay.AllowedDomains.Any(d => IsSameOrSubdomain(domain, d)))
        {
            throw new ProtocolException(SmtpReplies.DomainNotAllowed);
        }

        if (Limiter.RefusedUntil(client.Sender) is { } until)
        {
            // RFC 3463 §3.8 X.7.1: delivery not authorized now; 4xx so that the client retries later (RFC 5321 §4.2.5).
            throw new ProtocolException(SmtpReplies.SendRateExceeded(client.Sender, Limiter.Limit, until));
        }

        return new RecipientTarget(address, null);
    }

    private static bool IsSameOrSubdomain(string domain, string allowed)
    {
        allowed = allowed.Trim().TrimEnd('.');
        domain = domain.TrimEnd('.');
        return domain.Equals(allowed, StringComparison.OrdinalIgnoreCase) ||
            domain.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase);
    }
}
