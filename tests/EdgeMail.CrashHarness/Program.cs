using EdgeMail.CrashHarness;
using EdgeMail.CrashHarness.Fetch;

// usage: dotnet run -c Release --project tests/EdgeMail.CrashHarness -- --rounds N [--binary PATH] [--seed S] [--data DIR]
//        ... --fetch all --rounds N [--messages M]: the fetch accounts' first sync under SIGKILL instead
// Exit 0: every round held; 1: a violation (printed); 2: a mistake on the command line.
var options = HarnessOptions.Parse(args, out var error);
if (options is null)
{
    await Console.Error.WriteLineAsync("crash harness: " + error);
    return 2;
}

try
{
    return options.Fetch is null
        ? await new Harness(options, Console.Out).RunAsync()
        : await new FetchHarness(options, Console.Out).RunAsync();
}
catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or IOException or TimeoutException or MailKit.ServiceNotConnectedException or MailKit.ProtocolException or MailKit.CommandException)
{
    await Console.Error.WriteLineAsync($"crash harness: {ex.GetType().Name}: {ex.Message}");
    return 1;
}
