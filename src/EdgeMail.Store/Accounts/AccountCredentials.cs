namespace EdgeMail.Store.Accounts;

/// <summary>
/// Everything a login needs to check a password for one account: the main secret and the secrets of
/// its app passwords (any of them may match).
/// </summary>
public sealed record AccountCredentials(Account Account, ScramCredential Password, IReadOnlyList<AppPasswordCredential> AppPasswords);

/// <summary>An app password's name and secret, and when and from where it last logged in (to the hour: see MailStore.TouchAppPasswordAsync).</summary>
public sealed record AppPasswordCredential(long Id, string Name, ScramCredential Secret, DateTimeOffset? LastUsed = null, string? LastUsedFrom = null);
