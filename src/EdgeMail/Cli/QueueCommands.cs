using System.Globalization;
using EdgeMail.Control;
using EdgeMail.Store;
using EdgeMail.Store.Queue;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail queue list|flush|delete ID`: the relay queue, beside a running service (SQLite locking). A flush goes
/// through the control channel when the service runs, so that its relay runner scans at once; without a service it
/// makes the recipients due for the next start.
/// </summary>
internal static class QueueCommands
{
    public static async Task<int> ListAsync(VerbContext context, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        var queue = await store.ListQueueAsync(cancellationToken).ConfigureAwait(false);
        if (queue.Count == 0)
        {
            Console.WriteLine("the relay queue is empty");
            return CliProgram.Ok;
        }

        foreach (var message in queue)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{message.Id}  {message.Size} bytes  queued {message.Created:yyyy-MM-dd HH:mm:ss}Z  from <{message.Sender}>"));
            foreach (var r in message.Recipients)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    <{r.Address}>  {Describe(r)}"));
            }
        }

        return CliProgram.Ok;
    }

    public static async Task<int> FlushAsync(VerbContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var answer = await ControlClient.TryAsync(context.DataPath, new ControlRequest { Verb = "queue flush" }, settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is not null)
        {
            return Report(answer);
        }

        await using var store = DataFolder.OpenAdmin(settings);
        var count = await store.FlushQueueAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} recipient(s) due now; no service is running, so they are sent when `edgemail serve` starts"));
        return CliProgram.Ok;
    }

    public static async Task<int> DeleteAsync(VerbContext context, long id, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        if (!await store.DeleteQueuedAsync(id, cancellationToken).ConfigureAwait(false))
        {
            throw new StoreException(StoreError.NotFound, $"no queued message {id}");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"deleted {id}"));
        return CliProgram.Ok;
    }

    /// <summary>A control-channel answer: its message on stdout, or its error on stderr with exit code 1.</summary>
    public static int Report(ControlResponse answer)
    {
        if (answer.Error is { } error)
        {
            Console.Error.WriteLine($"edgemail: {CliProgram.OneLine(error)}");
            return CliProgram.Failure;
        }

        if (answer.Message is { } message)
        {
            Console.WriteLine(message);
        }

        return CliProgram.Ok;
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
