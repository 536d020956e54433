using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Pairing;

/// <summary>An app password just made: its record and, this once, the password itself (never stored, never logged).</summary>
public sealed record NewAppPassword(Account Account, AppPassword Device, string Password);
