using EdgeMail.Auth.Scram;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Auth.Sasl;

/// <summary>Checks a plaintext password against an account's main secret and each of its app passwords.</summary>
public static class PasswordCheck
{
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
