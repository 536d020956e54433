using System.Text;
using EdgeMail.Auth;
using EdgeMail.Auth.Accounts;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;

namespace EdgeMail.Cli;

/// <summary>`edgemail user add|list|remove|passwd` (`user 2fa` is TwoFactorCommands): works beside a running service (SQLite locking).</summary>
internal static class UserCommands
{
    /// <summary>The shortest password accepted; NIST SP 800-63B §5.1.1.2 asks for at least 8.</summary>
    public const int MinPasswordLength = PasswordRules.MinLength;

    public static async Task<int> AddAsync(VerbContext context, string address, bool passwordStdin, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        AccountChanges.RequireLocalDomain(address, settings.Domains);
        await using var store = DataFolder.OpenAdmin(settings);
        var password = ReadPassword(passwordStdin);
        var account = await AccountChanges.AddAsync(store, address, password, settings.Domains, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"added {account.Address}");
        return CliProgram.Ok;
    }

    public static async Task<int> ListAsync(VerbContext context, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        if (accounts.Count == 0)
        {
            return CliProgram.Ok;
        }

        // One account a line, its address first (scripts take the first word): whether it is the admin (the one the
        // web page's admin login takes) and whether that login asks for a TOTP code.
        var admin = await store.FindAdminAccountAsync(cancellationToken).ConfigureAwait(false);
        var width = accounts.Max(a => a.Address.Length);
        foreach (var account in accounts)
        {
            var twoFactor = await store.IsTotpEnabledAsync(account.Id, cancellationToken).ConfigureAwait(false) ? "2fa on" : "2fa off";
            Console.WriteLine($"{account.Address.PadRight(width)}  {(account.Id == admin?.Id ? "admin" : ""),-5}  {twoFactor}");
        }

        return CliProgram.Ok;
    }

    public static async Task<int> RemoveAsync(VerbContext context, string address, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        await AccountChanges.RemoveAsync(store, address, cancellationToken).ConfigureAwait(false);

        Console.WriteLine($"removed {address}");
        return CliProgram.Ok;
    }

    public static async Task<int> PasswdAsync(VerbContext context, string address, bool passwordStdin, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        if (await store.FindAccountAsync(address, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StoreException(StoreError.NotFound, $"no account {address}");
        }

        var password = ReadPassword(passwordStdin);
        var account = await AccountChanges.SetPasswordAsync(store, address, password, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"password changed for {account.Address}");
        return CliProgram.Ok;
    }

    private static string ReadPassword(bool passwordStdin) => ReadSecret(passwordStdin, confirm: true, MinPasswordLength, "password");

    /// <summary>A secret from the first line of standard input, or typed twice (or once) at a prompt without echo.</summary>
    internal static string ReadSecret(bool fromStdin, bool confirm, int minLength, string noun)
    {
        string? secret;
        if (fromStdin || Console.IsInputRedirected)
        {
            secret = Console.In.ReadLine();
        }
        else
        {
            secret = Prompt(char.ToUpperInvariant(noun[0]) + noun[1..] + ": ");
            if (confirm && secret != Prompt("Again: "))
            {
                throw new StoreException(StoreError.NotAllowed, $"the {noun}s do not match");
            }
        }

        if (secret is null || secret.Length < minLength)
        {
            throw new StoreException(StoreError.NotAllowed, $"the {noun} must have at least {minLength} characters");
        }

        return secret;
    }

    private static string Prompt(string text)
    {
        Console.Error.Write(text);
        var sb = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return sb.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                {
                    sb.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                sb.Append(key.KeyChar);
            }
        }
    }
}
