using System.Text;
using EdgeMail.Auth.Scram;
using EdgeMail.Configuration;
using EdgeMail.Store;

namespace EdgeMail;

/// <summary>`edgemail user add|list|remove|passwd`: works beside a running service (SQLite locking).</summary>
internal static class UserCommands
{
    /// <summary>The shortest password accepted; NIST SP 800-63B §5.1.1.2 asks for at least 8.</summary>
    public const int MinPasswordLength = 8;

    public static async Task<int> RunAsync(CliArguments cli, EdgeMailSettings settings)
    {
        if (cli.Words.Count < 2)
        {
            throw new UsageException("user needs a subcommand: add, list, remove or passwd");
        }

        var verb = cli.Words[1];
        if (verb is not ("add" or "list" or "remove" or "passwd"))
        {
            throw new UsageException($"unknown user subcommand '{verb}'");
        }

        Cli.ExpectWords(cli, verb == "list" ? 2 : 3);
        await using var store = MailStore.Open(settings.Storage, StoreOpenMode.Admin);
        switch (verb)
        {
            case "add":
            {
                var password = ReadPassword(cli);
                var account = await store.CreateAccountAsync(cli.Words[2], ScramSecret.Create(password)).ConfigureAwait(false);
                Console.WriteLine($"added {account.Address}");
                return Cli.Ok;
            }

            case "list":
                foreach (var account in await store.ListAccountsAsync().ConfigureAwait(false))
                {
                    Console.WriteLine(account.Address);
                }

                return Cli.Ok;
            case "remove":
                if (!await store.DeleteAccountAsync(cli.Words[2]).ConfigureAwait(false))
                {
                    throw new StoreException(StoreError.NotFound, $"no account {cli.Words[2]}");
                }

                Console.WriteLine($"removed {cli.Words[2]}");
                return Cli.Ok;
            default:
            {
                var account = await store.FindAccountAsync(cli.Words[2]).ConfigureAwait(false)
                    ?? throw new StoreException(StoreError.NotFound, $"no account {cli.Words[2]}");
                var password = ReadPassword(cli);
                await store.SetPasswordAsync(account.Id, ScramSecret.Create(password)).ConfigureAwait(false);
                Console.WriteLine($"password changed for {account.Address}");
                return Cli.Ok;
            }
        }
    }

    private static string ReadPassword(CliArguments cli)
    {
        string? password;
        if (cli.PasswordStdin || Console.IsInputRedirected)
        {
            password = Console.In.ReadLine();
        }
        else
        {
            password = Prompt("Password: ");
            if (password != Prompt("Again: "))
            {
                throw new StoreException(StoreError.NotAllowed, "the passwords do not match");
            }
        }

        if (password is null || password.Length < MinPasswordLength)
        {
            throw new StoreException(StoreError.NotAllowed, $"the password must have at least {MinPasswordLength} characters");
        }

        return password;
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
