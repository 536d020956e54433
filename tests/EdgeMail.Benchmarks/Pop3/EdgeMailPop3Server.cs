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

    private readonly Process _process;
    private readonly Task _drain;

    private EdgeMailPop3Server(Process process, int port, Task drain)
    {
        _process = process;
        Port = port;
        _drain = drain;
    }

    public string Name => "EdgeMail";

    public int Port { get; }

    public string User => "bench@edgemail.local";

    public string Password => "pop3-bench-password";

    public int ProcessId => _process.Id;

    public static async Task<EdgeMailPop3Server> StartAsync(string binary, string folder, IReadOnlyList<byte[]> messages)
    {
        var data = Path.Combine(folder, "data");
        var (exit, _, error) = await EdgeMailProcess.RunProgramAsync(binary, ["user", "add", "bench@edgemail.local", "--password-stdin", "--data", data], "pop3-bench-password\n", timeoutSeconds: (int)Timeout.TotalSeconds);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail user add failed (exit {exit}): {error}");
        }

        await FillAsync(data, messages);

        var port = EdgeMailProcess.FreePort();
        var info = EdgeMailProcess.StartInfoFor(binary, ["serve", "--data", data, "--Network:Bind=127.0.0.1", $"--Pop3:Port={port}", "--Pop3:TlsPort=0",
            "--Imap:Port=0", "--Imap:TlsPort=0", "--Smtp:Port=0", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0", "--Web:Port=0"]);
        var serve = await ServeProcess.StartAsync(info, Timeout);
        return new EdgeMailPop3Server(serve.Process, port, serve.Drained);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Libc.Signal(_process.Id, Libc.Sigterm);
        }

        using var cts = new CancellationTokenSource(Timeout);
        await _process.WaitForExitAsync(cts.Token);
        await _drain;
        _process.Dispose();
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
