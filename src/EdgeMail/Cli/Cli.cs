using EdgeMail.Configuration;
using EdgeMail.Net;
using EdgeMail.Store;

namespace EdgeMail;

/// <summary>
/// The command line: serve, user add|list|remove|passwd, status, queue list|flush|delete, sendmail. Exit codes: 0 ok, 1 failure,
/// 2 bad usage; an error is one line on stderr.
/// </summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    public const string Usage = """
        usage: edgemail <command> [--data DIR] [--config FILE] [--Section:Key=value ...]
          serve                         run the mail service
          user add ADDRESS [--password-stdin]
          user list
          user remove ADDRESS
          user passwd ADDRESS [--password-stdin]
          status [--json]
          queue list | queue flush | queue delete ID
          sendmail [-t] [-i] [-f SENDER] [-F NAME] [RECIPIENT ...] < message
        """;

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
                var (own, sendmailArgs) = SendmailCommand.SplitArguments(args[1..]);
                var sendmailCli = CliArguments.Parse(own);
                var sendmailSettings = EdgeMailConfiguration.Bind(EdgeMailConfiguration.Build(sendmailCli));
                return await SendmailCommand.RunAsync(sendmailArgs, sendmailSettings, Console.OpenStandardInput()).ConfigureAwait(false);
            }

            var cli = CliArguments.Parse(args);
            if (cli.Words.Count == 0 || cli.Words[0] is "help" or "-h")
            {
                (cli.Words.Count == 0 ? Console.Error : Console.Out).WriteLine(Usage);
                return cli.Words.Count == 0 ? BadUsage : Ok;
            }

            var configuration = EdgeMailConfiguration.Build(cli);
            var settings = EdgeMailConfiguration.Bind(configuration);
            return cli.Words[0] switch
            {
                "serve" => await ServeCommand.RunAsync(cli, configuration, settings).ConfigureAwait(false),
                "user" => await UserCommands.RunAsync(cli, settings).ConfigureAwait(false),
                "status" => await StatusCommand.RunAsync(cli, settings).ConfigureAwait(false),
                "queue" => await QueueCommands.RunAsync(cli, settings).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{cli.Words[0]}'"),
            };
        }
        catch (UsageException ex)
        {
            await Console.Error.WriteLineAsync($"edgemail: {ex.Message}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return BadUsage;
        }
        catch (Exception ex) when (ex is ConfigurationException or StoreException or TlsCertificateException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"edgemail: {OneLine(ex.Message)}").ConfigureAwait(false);
            return Failure;
        }
    }

    public static string OneLine(string text) => text.ReplaceLineEndings(" ");

    public static void ExpectWords(CliArguments cli, int count)
    {
        if (cli.Words.Count != count)
        {
            throw new UsageException($"'{string.Join(' ', cli.Words)}' takes {count - 1} argument(s)");
        }
    }
}
