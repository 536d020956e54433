using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>Finds an account's credentials by login name (the store's GetCredentialsAsync).</summary>
public delegate Task<AccountCredentials?> CredentialLookup(string userName, CancellationToken cancellationToken);
