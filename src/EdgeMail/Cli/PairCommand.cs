using EdgeMail.Control;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail pair [--close]`: opens (or closes) the pairing window of the running service, as a hold of the button
/// does. The window lives in the service, so without one there is nothing to open: one line, exit 1.
/// </summary>
internal static class PairCommand
{
    public static async Task<int> RunAsync(VerbContext context, bool close, CancellationToken cancellationToken)
    {
        var request = new ControlRequest { Verb = "pair", Arguments = [close ? "close" : "open"] };
        var answer = await ControlClient.TryAsync(context.DataPath, request, context.Settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            await Console.Error.WriteLineAsync($"edgemail: no service is running for {context.DataPath}: the pairing window is the running service's (start it with `edgemail serve`)").ConfigureAwait(false);
            return CliProgram.Failure;
        }

        return QueueCommands.Report(answer);
    }
}
