using System.Globalization;
using EdgeMail.Configuration;
using EdgeMail.Store;
using EdgeMail.Store.Queue;

namespace EdgeMail;

/// <summary>
/// `edgemail queue list|flush|delete ID`: the relay queue, beside a running service (SQLite locking). A flush makes
/// every waiting recipient due now; the service picks it up at its next scan (Relay:ScanInterval).
/// </summary>
internal static class QueueCommands
{
    public static async Task<int> RunAsync(CliArguments cli, EdgeMailSettings settings)
    {
        if (cli.Words.Count < 2)
        {
            throw new UsageException("queue needs a subcommand: list, flush or delete");
        }

        var verb = cli.Words[1];
        if (verb is not ("list" or "flush" or "delete"))
        {
            throw new UsageException($"unknown queue subcommand '{verb}'");
        }

        Cli.ExpectWords(cli, verb == "delete" ? 3 : 2);
        long id = 0;
        if (verb == "delete" && !long.TryParse(cli.Words[2], NumberStyles.None, CultureInfo.InvariantCulture, out id))
        {
            throw new UsageException($"'{cli.Words[2]}' is not a queue id (see edgemail queue list)");
        }

        await using var store = MailStore.Open(settings.Storage, StoreOpenMode.Admin);
        switch (verb)
        {
            case "list":
                var queue = await store.ListQueueAsync().ConfigureAwait(false);
                if (queue.Count == 0)
                {
                    Console.WriteLine("the relay queue is empty");
                    return Cli.Ok;
                }

                foreach (var message in queue)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{message.Id}  {message.Size} bytes  queued {message.Created:yyyy-MM-dd HH:mm:ss}Z  from <{message.Sender}>"));
                    foreach (var r in message.Recipients)
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    <{r.Address}>  {Describe(r)}"));
                    }
                }

                return Cli.Ok;
            case "flush":
                var count = await store.FlushQueueAsync().ConfigureAwait(false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} recipient(s) due now; the running service retries them within {settings.Relay.ScanInterval.TotalSeconds:0} seconds"));
                return Cli.Ok;
            default:
                if (!await store.DeleteQueuedAsync(id).ConfigureAwait(false))
                {
                    throw new StoreException(StoreError.NotFound, $"no queued message {id}");
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deleted {id}"));
                return Cli.Ok;
        }
    }

    private static string Describe(QueuedRecipient r) => r.State switch
    {
        RecipientState.Queued when r.Attempts == 0 => "waiting for its first attempt",
        RecipientState.Queued => string.Create(CultureInfo.InvariantCulture, $"{r.Attempts} attempt(s), next {r.NextAttempt:yyyy-MM-dd HH:mm:ss}Z: {r.LastError}"),
        RecipientState.Sending => "being sent",
        RecipientState.Delivered => "delivered",
        _ => $"failed: {r.LastError}",
    };
}
