namespace EdgeMail.Auth.Sasl;

internal static class Verify
{
    public static async ValueTask<SaslStep> PasswordAsync(CredentialLookup lookup, string user, string password, CancellationToken cancellationToken)
    {
        var credentials = await lookup(user, cancellationToken).ConfigureAwait(false);
        if (credentials is null)
        {
            // Spend the same work as a real check, so that timing does not tell which users exist.
            Scram.ScramSecret.Verify(password, Decoy);
            return SaslStep.Fail(user);
        }

        var matched = PasswordCheck.Match(credentials, password);
        return matched is null
            ? SaslStep.Fail(user)
            : new SaslStep(SaslStepKind.Success, Account: credentials.Account, AppPassword: matched.Length == 0 ? null : matched, UserName: user);
    }

    private static readonly Store.Accounts.ScramCredential Decoy = Scram.ScramSecret.Create(Guid.NewGuid().ToString());
}
