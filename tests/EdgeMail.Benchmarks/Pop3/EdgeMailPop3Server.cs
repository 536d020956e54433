using System.Diagnostics;
using EdgeMail.Benchmarks.Common;
using EdgeMail.Benchmarks.Interop;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Pop3;

/// <summary>
/// The real edgemail program under `serve` with only POP3 listening on 127.0.0.1: an account made with
/// `edgemail user add`, its INBOX filled through MailStore.AppendAsync (concurrent appends, so that group
/// commit keeps the fill short) before the service starts.
/// </summary>
internal sealed class EdgeMailPop3Server : IPop3Server
{
    private const int FillWriters = 16;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ServeProcess _serve;

    private EdgeMailPop3Server(ServeProcess serve, int port)
    {
        _serve = serve;
        Port = port;
    }

    public string Name => "EdgeMail";

    public int Port { get; }

    public string User => "bench@edgemail.local";

    public string Password => "pop3-bench-password";

    public int ProcessId => _serve.Process.Id;

    public static async Task<EdgeMailPop3Server> StartAsync(string binary, string folder, IReadOnlyList<byte[]> messages)
    {
        var data = Path.Combine(folder, "data");
        await EdgeMailProcess.AddUserAsync(binary, data, "bench@edgemail.local", "pop3-bench-password", (int)Timeout.TotalSeconds);

        await FillAsync(data, messages);

        var port = EdgeMailProcess.FreePort();
        var info = EdgeMailProcess.StartInfoFor(binary, ServeProcess.OnlyArguments(data, ("Pop3:Port", port)));
        return new EdgeMailPop3Server(await ServeProcess.StartAsync(info, Timeout), port);
    }

    public async ValueTask DisposeAsync()
    {
        await _serve.StopAsync(Timeout);
        _serve.Process.Dispose();
    }

    private static async Task FillAsync(string data, IReadOnlyList<byte[]> messages)
    {
        Report.Progress($"pop3: appending {messages.Count} messages to EdgeMail's INBOX...");
        await using var store = MailStore.Open(new StoreOptions { Path = data });
        var account = await store.FindAccountAsync("bench@edgemail.local") ?? throw new InvalidOperationException("the account was not created");
        var inbox = await store.GetMailboxAsync(account.Id, "INBOX") ?? throw new InvalidOperationException("the account has no INBOX");
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, FillWriters).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < messages.Count; i = Interlocked.Increment(ref next))
            {
                await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(messages[i], writable: false)));
            }
        })));
    }
}
