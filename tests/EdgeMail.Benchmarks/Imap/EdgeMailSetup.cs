using System.Diagnostics;
using EdgeMail.Benchmarks.Output;
using EdgeMail.Store;
using EdgeMail.Store.Messages;
using EdgeMail.Testing;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// EdgeMail for the `imap` benchmark: the users are added with `edgemail user add`, the mailboxes are
/// filled through the store's API (MailStore.AppendAsync, many appends in flight so they share group
/// commits) before `edgemail serve` starts on the same data folder.
/// </summary>
internal static class EdgeMailSetup
{
    /// <summary>Adds the users and fills their INBOX; <paramref name="binary"/> is a native edgemail or an edgemail.dll.</summary>
    public static async Task<double> FillAsync(string binary, string data, IReadOnlyList<(string User, int Messages)> users, string password)
    {
        foreach (var (user, _) in users)
        {
            await EdgeMailProcess.AddUserAsync(binary, data, user, password);
        }

        var sw = Stopwatch.StartNew();
        await using (var store = MailStore.Open(new StoreOptions { Path = data }))
        {
            foreach (var (user, messages) in users)
            {
                var account = await store.FindAccountAsync(user) ?? throw new InvalidOperationException($"{user} was not created");
                var inbox = await store.GetMailboxAsync(account.Id, "INBOX") ?? throw new InvalidOperationException($"{user} has no INBOX");
                var done = 0;
                await Parallel.ForEachAsync(Enumerable.Range(0, messages), new ParallelOptions { MaxDegreeOfParallelism = 256 }, async (i, ct) =>
                {
                    var flags = MessageCorpus.IsSeen(i) ? MessageFlags.Seen : MessageFlags.None;
                    await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(MessageCorpus.Create(i)), flags, null, MessageCorpus.DateOf(i)), ct);
                    if (Interlocked.Increment(ref done) % 10_000 == 0)
                    {
                        Report.Progress($"imap: EdgeMail {user}: {done}/{messages} appended ({sw.Elapsed.TotalSeconds:F0} s)");
                    }
                });
            }
        }

        return sw.Elapsed.TotalSeconds;
    }

    public static async Task<ServerProcess> StartAsync(string binary, string data, int maxConnections)
    {
        var port = EdgeMailProcess.FreePort();
        var tlsPort = EdgeMailProcess.FreePort();
        List<string> args =
        [
            .. ServeProcess.OnlyArguments(data, ("Imap:Port", port), ("Imap:TlsPort", tlsPort)),
            $"--Network:MaxConnectionsPerAddress={maxConnections + 1000}", $"--Network:MaxConnections={maxConnections + 2000}",
        ];
        Report.Progress($"imap: {binary} {string.Join(' ', args)}");
        var serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(binary, args), TimeSpan.FromSeconds(120));
        return new ServerProcess("EdgeMail", serve.Process, port, tlsPort, serve.Drained);
    }
}
