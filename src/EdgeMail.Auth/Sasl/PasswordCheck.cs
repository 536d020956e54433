using EdgeMail.Auth.Scram;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>
/// Checks a plaintext password (LOGIN, PLAIN, IMAP LOGIN, POP3 USER/PASS) against an account's main secret and each
/// of its app passwords. <see cref="ScramSecret.Verify"/> compares with one stored secret; this decides the login.
/// </summary>
internal static class PasswordCheck
{
    private static readonly ScramCredential Decoy = ScramSecret.Create(Guid.NewGuid().ToString());

    /// <summary>Looks the user up and checks the password: the final SASL step, success or failure.</summary>
    public static async ValueTask<SaslStep> CheckAsync(CredentialLookup lookup, string user, string password, CancellationToken cancellationToken)
    {
        var credentials = await lookup(user, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            // Spend the same work as a real check, so that timing does not tell which users exist.
            ScramSecret.Verify(password, Decoy);
            return SaslStep.Fail(user);
        }

        var matched = Match(credentials, password);
        return matched is null
            ? SaslStep.Fail(user)
            : new SaslStep(SaslStepKind.Success, Account: credentials.Account, AppPassword: matched.Length == 0 ? null : matched, UserName: user);
    }

    /// <summary>Null if nothing matched; else the name of the app password used, or "" for the main password.</summary>
    public static string? Match(AccountCredentials credentials, string password)
    {
        ArgumentNullException.ThrowIfNull(credentials);

        // Every candidate is checked, so the time taken does not tell which one matched.
        string? matched = null;
        if (ScramSecret.Verify(password, credentials.Password))
        {
            matched = string.Empty;
        }

        foreach (var app in credentials.AppPasswords)
        {
            if (ScramSecret.Verify(password, app.Secret) && matched is null)
            {
                matched = app.Name;
            }
        }

        return matched;
    }
}
