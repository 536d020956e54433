namespace EdgeMail.Store.Accounts;

/// <summary>
/// A per-device password (named, listable, revocable), stored as a SCRAM secret like the main one. <see cref="LastUsed"/>
/// and <see cref="LastUsedFrom"/> (the client's address) are written at most hourly: see MailStore.TouchAppPasswordAsync.
/// </summary>
public sealed record AppPassword(long Id, long AccountId, string Name, DateTimeOffset Created, DateTimeOffset? LastUsed, string? LastUsedFrom = null);
