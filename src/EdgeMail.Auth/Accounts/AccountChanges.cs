using System.Globalization;
using EdgeMail.Auth.Scram;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Accounts;

/// <summary>
/// Adding, removing an account and setting its password: the one code behind <c>edgemail user add|remove|passwd</c>
/// and the admin page. Every refusal is a <see cref="StoreException"/> whose message is one sentence for the user.
/// </summary>
public static class AccountChanges
{
    /// <summary>Makes an account with a SCRAM secret of <paramref name="password"/>, in one of <paramref name="domains"/> (empty: any).</summary>
    public static async Task<Account> AddAsync(MailStore store, string address, string password, IReadOnlyCollection<string> domains, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        RequireLocalDomain(address, domains);
        RequirePassword(password);
        return await store.CreateAccountAsync(address, ScramSecret.Create(password), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a new password under the account's salt and iterations, which its app passwords share (see <see cref="ScramSecret.Rederive"/>).</summary>
    public static async Task<Account> SetPasswordAsync(MailStore store, string address, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        RequirePassword(password);
        var credentials = await store.GetCredentialsAsync(address, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"no account {address}");

        // SCRAM-SHA-256 names one salt per account, so a new salt would leave its app passwords working over PLAIN
        // and LOGIN only.
        await store.SetPasswordAsync(credentials.Account.Id, ScramSecret.Rederive(password, credentials.Password), cancellationToken).ConfigureAwait(false);
        return credentials.Account;
    }

    /// <summary>Removes an account with its mail and app passwords.</summary>
    public static async Task RemoveAsync(MailStore store, string address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!await store.DeleteAccountAsync(address, cancellationToken).ConfigureAwait(false))
        {
            throw new StoreException(StoreError.NotFound, $"no account {address}");
        }
    }

    /// <summary>NIST SP 800-63B §5.1.1.2: at least 8 characters; at most 1024, a bound on the work of hashing it.</summary>
    public static void RequirePassword(string? password)
    {
        if (password is null || password.Length < PasswordRules.MinLength || password.Length > PasswordRules.MaxLength)
        {
            throw new StoreException(StoreError.NotAllowed, string.Create(CultureInfo.InvariantCulture, $"the password must have {PasswordRules.MinLength} to {PasswordRules.MaxLength} characters"));
        }
    }

    /// <summary>
    /// An account outside the configured Domains could never receive mail (RCPT for it is relayed or refused), so it
    /// is refused. Domains live in the configuration, not the store.
    /// </summary>
    public static void RequireLocalDomain(string address, IReadOnlyCollection<string> domains)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(domains);
        var at = address.LastIndexOf('@');
        if (domains.Count == 0 || at < 0 || !AddressRules.IsValid(address, out _))
        {
            return; // the store says what is wrong with the address itself
        }

        var domain = address[(at + 1)..].Trim();
        if (!domains.Contains(domain, StringComparer.OrdinalIgnoreCase))
        {
            throw new StoreException(StoreError.NotAllowed, $"{domain} is not one of the local domains (Domains: {string.Join(", ", domains)}): add it to Domains in the configuration first, e.g. --Domains={string.Join(',', [.. domains, domain])}");
        }
    }
}
