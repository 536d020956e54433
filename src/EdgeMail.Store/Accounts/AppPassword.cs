namespace EdgeMail.Store.Accounts;

/// <summary>A per-device password (named, listable, revocable), stored as a SCRAM secret like the main one.</summary>
public sealed record AppPassword(long Id, long AccountId, string Name, DateTimeOffset Created, DateTimeOffset? LastUsed);
