namespace EdgeMail.Store.Accounts;

/// <summary>
/// A mail account: one address, its mailboxes, its password and its app passwords. <see cref="IsAdmin"/> marks the
/// box's first account (the one that paired it, or the oldest one of a box upgraded from before the flag).
/// </summary>
public sealed record Account(long Id, string Address, DateTimeOffset Created, bool IsAdmin = false);
