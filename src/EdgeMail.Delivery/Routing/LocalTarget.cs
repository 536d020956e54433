namespace EdgeMail.Delivery.Routing;

/// <summary>Where a message for a local address goes: the account and the mailbox (today its INBOX).</summary>
public sealed record LocalTarget(long AccountId, long MailboxId);
