namespace EdgeMail.Delivery;

/// <summary>
/// The limits of local delivery. The host fills them from the keys users already have (Smtp:MaxMessageBytes,
/// Smtp:MaxReceivedHeaders, Smtp:PostmasterAccount), so that every way in (SMTP, the relay queue's reports, the provider fetch) applies the same.
/// </summary>
public sealed class DeliveryOptions
{
    /// <summary>Largest message delivered, without its trace header; at most the store's Storage:MaxMessageBytes.</summary>
    public long MaxMessageBytes { get; set; } = 10_240_000;

    /// <summary>
    /// Received fields a message may carry before it is refused as a mail loop (RFC 5321 §6.3). Postfix's
    /// hopcount_limit is 50.
    /// </summary>
    public int MaxReceivedHeaders { get; set; } = 50;

    /// <summary>The account that receives postmaster's mail when no account is called postmaster; the oldest when empty.</summary>
    public string? PostmasterAccount { get; set; }
}
