using System.Globalization;
using System.Text.Json;
using EdgeMail.Control;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;

namespace EdgeMail.Cli;

/// <summary>
/// `edgemail fetch add|list|remove|run|status`: the fetch accounts, kept in the store beside a running service
/// (SQLite locking). A change is announced to the running service over the control channel, which starts or stops
/// that account's worker at once; `run` asks the service for a pass now.
/// </summary>
internal static class FetchCommands
{
    /// <summary>What `fetch add` was given, before the password is read.</summary>
    internal sealed record AddArguments(
        string Name,
        string Protocol,
        string Host,
        int? Port,
        bool StartTls,
        string User,
        string To,
        string Mailbox,
        string[] Folders,
        string Interval,
        string Remote,
        bool InsecureTls,
        bool PasswordStdin);

    public static async Task<int> AddAsync(VerbContext context, AddArguments a, CancellationToken cancellationToken)
    {
        var protocol = a.Protocol.ToLowerInvariant() switch
        {
            "imap" => FetchProtocol.Imap,
            "pop3" or "pop" => FetchProtocol.Pop3,
            _ => throw new UsageException($"--protocol is imap or pop3, not '{a.Protocol}'"),
        };
        var security = a.StartTls ? FetchSecurity.StartTls : FetchSecurity.Tls;
        var port = a.Port ?? (protocol, security) switch
        {
            (FetchProtocol.Imap, FetchSecurity.Tls) => 993,
            (FetchProtocol.Imap, _) => 143,
            (_, FetchSecurity.Tls) => 995,
            _ => 110,
        };
        var (action, moveTo) = a.Remote switch
        {
            "keep" => (FetchRemoteAction.Keep, (string?)null),
            "delete" => (FetchRemoteAction.Delete, null),
            _ when a.Remote.StartsWith("move:", StringComparison.Ordinal) => (FetchRemoteAction.Move, a.Remote[5..]),
            _ => throw new UsageException($"--remote is keep, delete or move:FOLDER, not '{a.Remote}'"),
        };
        var interval = ParseInterval(a.Interval);
        var folders = a.Folders.Length == 0 ? ["INBOX"] : a.Folders;

        await using var store = DataFolder.OpenAdmin(context.Settings);
        if (await store.FindAccountAsync(a.To, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StoreException(StoreError.NotFound, $"no local account {a.To} (edgemail user add {a.To})");
        }

        var spec = new FetchAccountSpec(a.Name, protocol, a.Host, port, security, a.User, "x", a.To, a.Mailbox, interval, folders, action, moveTo, a.InsecureTls);
        if (spec.Validate() is { } problem)
        {
            throw new UsageException(problem);
        }

        spec = spec with { Password = UserCommands.ReadSecret(a.PasswordStdin, confirm: false, 1, "password at " + a.Host) };
        var account = await store.AddFetchAccountAsync(spec, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"added fetch account {account.Name}: {Describe(account)}");
        if (account.InsecureTls)
        {
            Console.Error.WriteLine($"edgemail: warning: the certificate of {account.Host} will not be checked (--insecure-tls): anyone on the path can read the password");
        }

        await TellServiceAsync(context, "the running service fetches it at once", "no service is running: it is fetched when edgemail serve starts", cancellationToken).ConfigureAwait(false);
        return CliProgram.Ok;
    }

    public static async Task<int> ListAsync(VerbContext context, CancellationToken cancellationToken)
    {
        await using var store = DataFolder.OpenAdmin(context.Settings);
        foreach (var account in await store.ListFetchAccountsAsync(cancellationToken).ConfigureAwait(false))
        {
            Console.WriteLine($"{account.Name}  {Describe(account)}");
        }

        return CliProgram.Ok;
    }

    public static async Task<int> RemoveAsync(VerbContext context, string name, CancellationToken cancellationToken)
    {
        await using (var store = DataFolder.OpenAdmin(context.Settings))
        {
            if (!await store.RemoveFetchAccountAsync(name, cancellationToken).ConfigureAwait(false))
            {
                throw new StoreException(StoreError.NotFound, $"no fetch account {name} (see edgemail fetch list)");
            }
        }

        Console.WriteLine($"removed fetch account {name}; the mail it fetched stays");
        await TellServiceAsync(context, "the running service stopped fetching it", null, cancellationToken).ConfigureAwait(false);
        return CliProgram.Ok;
    }

    public static async Task<int> RunAsync(VerbContext context, string? name, CancellationToken cancellationToken)
    {
        var request = new ControlRequest { Verb = "fetch run", Arguments = name is null ? [] : [name] };
        var answer = await ControlClient.TryAsync(context.DataPath, request, context.Settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            Console.Error.WriteLine("edgemail: no service is running: edgemail serve fetches every account when it starts");
            return CliProgram.Failure;
        }

        return QueueCommands.Report(answer);
    }

    public static async Task<int> StatusAsync(VerbContext context, bool json, CancellationToken cancellationToken)
    {
        var answer = await ControlClient.TryAsync(context.DataPath, new ControlRequest { Verb = "status" }, context.Settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is { Error: not null })
        {
            return QueueCommands.Report(answer);
        }

        var fetch = answer?.Status?.Fetch;
        if (fetch is null)
        {
            await using var store = DataFolder.OpenAdmin(context.Settings);
            fetch = (await store.ListFetchAccountsAsync(cancellationToken).ConfigureAwait(false)).Select(FetchStatus.From).ToList();
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(fetch, StatusJsonContext.Default.ListFetchStatus));
            return CliProgram.Ok;
        }

        Print(fetch, answer is not null, "", null);
        return CliProgram.Ok;
    }

    /// <summary>The fetch accounts' state, a few lines each (used by `status` too).</summary>
    internal static void Print(IReadOnlyList<FetchStatus> fetch, bool running, string indent, string? header)
    {
        if (header is not null)
        {
            Console.WriteLine(fetch.Count == 0 ? $"{header,-17}none (edgemail fetch add pulls mail from a provider's mailbox)" : header);
        }
        else if (fetch.Count == 0)
        {
            Console.WriteLine("no fetch accounts (edgemail fetch add)");
        }

        foreach (var f in fetch)
        {
            var insecure = f.InsecureTls ? " [INSECURE: certificate not checked]" : "";
            Console.WriteLine($"{indent}{f.Name}: {f.Protocol} {f.User} at {f.Remote} ({f.Security}){insecure} -> {f.Target}, {f.RemoteAction}");
            var last = f.LastSuccess is { } ok ? string.Create(CultureInfo.InvariantCulture, $"last success {ok:yyyy-MM-dd HH:mm:ss}Z") : "no success yet";
            var live = !running ? "" : f.Idling ? ", in IDLE (new mail within seconds)" : f.Connected ? ", connected" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}  {f.Fetched} fetched, {last}{live}"));
            if (f.LastError is { } error)
            {
                var next = f.NextAttempt is { } due ? string.Create(CultureInfo.InvariantCulture, $"; next attempt {due:yyyy-MM-dd HH:mm:ss}Z") : "";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{indent}  failing ({f.Failures} in a row): {error}{next}"));
            }
        }
    }

    private static string Describe(FetchAccount a)
    {
        var folders = a.Protocol == FetchProtocol.Imap ? $" folders {string.Join(",", a.Folders)}" : "";
        var insecure = a.InsecureTls ? " [INSECURE: certificate not checked]" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{(a.Protocol == FetchProtocol.Imap ? "imap" : "pop3")} {a.User} at {a.Host}:{a.Port} ({(a.Security == FetchSecurity.Tls ? "tls" : "starttls")}){insecure}{folders} -> {a.AccountAddress}/{a.Mailbox}, {a.RemoteActionText}, every {(int)a.Interval.TotalMinutes} min");
    }

    /// <summary>5m, 90s, 1h, or a time span (00:05:00).</summary>
    internal static TimeSpan ParseInterval(string text)
    {
        var units = new (string Suffix, double Seconds)[] { ("s", 1), ("m", 60), ("min", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero
            ? span
            : throw new UsageException($"--interval is a duration such as 5m, 90s or 1h, not '{text}'");
    }

    private static async Task TellServiceAsync(VerbContext context, string running, string? notRunning, CancellationToken cancellationToken)
    {
        var answer = await ControlClient.TryAsync(context.DataPath, new ControlRequest { Verb = "fetch reload" }, context.Settings.Control, cancellationToken).ConfigureAwait(false);
        if (answer is { Error: null })
        {
            Console.WriteLine(running);
        }
        else if (answer is { Error: { } error })
        {
            Console.Error.WriteLine($"edgemail: the change is stored, but the running service did not take it: {CliProgram.OneLine(error)}; it takes it at its next start");
        }
        else if (notRunning is not null)
        {
            Console.WriteLine(notRunning);
        }
    }
}
