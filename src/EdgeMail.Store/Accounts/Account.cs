namespace EdgeMail.Store.Accounts;

/// <summary>A mail account: one address, its mailboxes, its password and its app passwords.</summary>
public sealed record Account(long Id, string Address, DateTimeOffset Created);
