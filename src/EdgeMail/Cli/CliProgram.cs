using System.CommandLine;
using EdgeMail.Configuration;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Cli;

/// <summary>
/// The command line: serve, user add|list|remove|passwd|2fa, status, queue list|flush|delete, device list|add|revoke, pair, backup, restore, check, sendmail (see
/// <see cref="CommandTree"/>). Exit codes: 0 ok, 1 failure, 2 bad usage (sendmail: sysexits.h); an error is one line
/// on stderr.
/// </summary>
internal static class CliProgram
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            // Installed as /usr/sbin/sendmail (a link to edgemail), the program takes sendmail's command line.
            if (SendmailCommand.IsInvokedAsSendmail())
            {
                args = ["sendmail", .. args];
            }

            if (args.Length > 0 && args[0] == "sendmail")
            {
                return await SendmailCommand.RunAsync(args[1..], Console.OpenStandardInput()).ConfigureAwait(false);
            }

            // `edgemail help [verb]` is `edgemail [verb] --help`.
            if (args.Length > 0 && args[0] == "help")
            {
                args = [.. args[1..], "--help"];
            }

            var input = new ConfigurationInput();
            var words = input.TakeSettings(args);
            var root = CommandTree.Build(input);
            var parsed = root.Parse(words);
            if (parsed.Errors.Count > 0)
            {
                if (words.Length == 0)
                {
                    // A bare `edgemail`: the overview, on stderr since nothing was done.
                    await root.Parse(["--help"]).InvokeAsync(new InvocationConfiguration { Output = Console.Error }).ConfigureAwait(false);
                    return BadUsage;
                }

                throw new UsageException(UsageErrors.Describe(parsed));
            }

            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"edgemail: {OneLine(ex.Message)}").ConfigureAwait(false);
            return BadUsage;
        }
        catch (Exception ex) when (ex is ConfigurationException or StoreException or TlsCertificateException or DataFolderException or IOException)
        {
            await Console.Error.WriteLineAsync($"edgemail: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failure;
        }
        catch (SqliteException ex)
        {
            await Console.Error.WriteLineAsync($"edgemail: the mail store cannot be used: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failure;
        }
        catch (UnauthorizedAccessException)
        {
            // The runtime's own text is a resource key in the published binary (UseSystemResourceKeys).
            await Console.Error.WriteLineAsync("edgemail: permission denied: run edgemail as the data folder's owner or as root").ConfigureAwait(false);
            return Failure;
        }
    }

    public static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
