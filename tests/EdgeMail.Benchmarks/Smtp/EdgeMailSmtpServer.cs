using System.Diagnostics;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// The real edgemail program under `serve` with only SMTP listening on 127.0.0.1 (loopback is a trusted network
/// by default, so it may relay), one account made with `edgemail user add`, and the relay pointed at the sink
/// without TLS. EdgeMail answers 250 only after the message is committed to the store (CONVENTIONS §2.8), so
/// an accepted local message is a delivered one; the mailbox and the relay queue are counted after it stops,
/// since the store is locked while the service runs.
/// </summary>
internal sealed class EdgeMailSmtpServer : ISmtpServer
{
    public const string Password = "smtp-bench-password";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ServeProcess _serve;

    private EdgeMailSmtpServer(string name, ServeProcess serve, int port, string data, List<string> commands)
    {
        Name = name;
        _serve = serve;
        Port = port;
        Data = data;
        Commands = commands;
    }

    public string Name { get; }

    public int Port { get; }

    public string Data { get; }

    public IReadOnlyCollection<int> ProcessRoots => [_serve.Process.Id];

    public IReadOnlyList<string> Commands { get; }

    public long? Delivered() => null;

    /// <summary>Creates a data folder with ann@edgemail.local and starts `edgemail serve` on it with <paramref name="extra"/> options.</summary>
    public static async Task<EdgeMailSmtpServer> StartAsync(string name, string binary, string folder, int sinkPort, IEnumerable<string> extra)
    {
        var data = Path.Combine(folder, "data");
        List<string> userAdd = ["user", "add", SmtpTools.LocalRecipient, "--password-stdin", "--data", data];
        await EdgeMailProcess.AddUserAsync(binary, data, SmtpTools.LocalRecipient, Password, (int)Timeout.TotalSeconds);

        var port = EdgeMailProcess.FreePort();
        List<string> serve = [.. ServeProcess.OnlyArguments(data, ("Smtp:Port", port)),
            "--Relay:Host=127.0.0.1", $"--Relay:Port={sinkPort}", "--Relay:Security=None",
            // One sender relays thousands of messages here: the per-sender hourly limit would hold it back.
            "--Relay:MaxMessagesPerHour=0", .. extra];
        List<string> commands = [$"echo {Password} | {SmtpTools.CommandLine(binary, userAdd)}", SmtpTools.CommandLine(binary, serve)];
        var started = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, serve), Timeout);
        // Its log is searched for warnings at the end.
        return new EdgeMailSmtpServer(name, started, port, data, commands);
    }

    /// <summary>The lines of the service's log at warning level or above (Microsoft.Extensions.Logging's "warn:", "fail:", "crit:").</summary>
    public string[] Problems { get; private set; } = [];

    public async ValueTask DisposeAsync()
    {
        await _serve.StopAsync(Timeout);
        var output = await _serve.Drained;
        Problems = output.SelectMany(o => o.Split('\n'))
            .Where(l => l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal))
            .ToArray();
        _serve.Process.Dispose();
    }

    /// <summary>After DisposeAsync: the INBOX's message count and the relay queue's counts, read from the store.</summary>
    public async Task<(long Inbox, int Queued)> CountAsync()
    {
        await using var store = MailStore.Open(new StoreOptions { Path = Data });
        var account = await store.FindAccountAsync(SmtpTools.LocalRecipient) ?? throw new InvalidOperationException("the account is gone");
        var inbox = await store.GetMailboxAsync(account.Id, "INBOX") ?? throw new InvalidOperationException("the account has no INBOX");
        var status = await store.GetStatusAsync(inbox.Id);
        var queue = await store.GetQueueCountsAsync();
        Report.Progress($"smtp: {Name}: INBOX holds {status.Messages} messages ({status.Size} octets); relay queue: {queue}");
        return (status.Messages, queue.Messages);
    }
}
