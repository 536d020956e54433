using EdgeMail.Auth.TwoFactor;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail user 2fa enable|confirm|disable ADDRESS`: the TOTP second factor of the admin login, through the same
/// <see cref="TwoFactorService"/> as the web page. `disable` is the way back for an admin who lost the phone (and the
/// recovery codes), from the box's own terminal. Works beside a running service: logins read the state each time.
/// </summary>
internal static class TwoFactorCommands
{
    public static async Task<int> EnableAsync(VerbContext context, string address, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var result = await Service(store).BeginAsync(await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return Refused(result);
        }

        Console.WriteLine($"two-factor enrolment begun for {result.Account.Address}: add this secret to an authenticator app (or open the URI), then run");
        Console.WriteLine($"  edgemail user 2fa confirm {result.Account.Address} CODE");
        Console.WriteLine($"secret: {result.Secret}");
        Console.WriteLine($"uri:    {result.Uri}");
        return CliProgram.Ok;
    }

    public static async Task<int> ConfirmAsync(VerbContext context, string address, string code, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var result = await Service(store).ConfirmAsync(await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false), code, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return Refused(result);
        }

        // The only time the codes exist outside the store's hashes.
        Console.WriteLine($"two-factor login is on for {result.Account.Address}. Recovery codes, each works once (shown only now; keep them apart from the phone):");
        foreach (var recovery in result.RecoveryCodes!)
        {
            Console.WriteLine(recovery);
        }

        return CliProgram.Ok;
    }

    public static async Task<int> DisableAsync(VerbContext context, string address, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var result = await Service(store).DisableAsync(await RequireAccountAsync(store, address, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return Refused(result);
        }

        Console.WriteLine(result.Reason);
        return CliProgram.Ok;
    }

    private static TwoFactorService Service(MailStore store) => new(store, TimeProvider.System);

    private static int Refused(TwoFactorResult result)
    {
        Console.Error.WriteLine($"edgemail: {CliProgram.OneLine(result.Reason)}");
        return CliProgram.Failure;
    }

    private static async Task<Account> RequireAccountAsync(MailStore store, string address, CancellationToken cancellationToken) =>
        await store.FindAccountAsync(address, cancellationToken).ConfigureAwait(false)
            ?? throw new StoreException(StoreError.NotFound, $"no account {AddressRules.Normalize(address)}");
}
