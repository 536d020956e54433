using System.Text;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;
using EdgeMail.Store.CrashWriter;

// usage: EdgeMail.Store.CrashWriter DATA_DIR WRITERS
// Appends messages built from a counter with several concurrent writers; after each append returns
// (the store's durability promise) prints "ack UID INDEX" and flushes, until the process is killed.
var dir = args[0];
var writers = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
await using var store = MailStore.Open(new StoreOptions { Path = dir, InlineBodyMaxBytes = 64 * 1024 });
var account = await store.FindAccountAsync("crash@edgemail.local") ?? await store.CreateAccountAsync("crash@edgemail.local", new ScramCredential([1], 1, [1], [1]));
var inbox = (await store.GetMailboxAsync(account.Id, "INBOX"))!;
var stdout = Console.OpenStandardOutput();
var gate = new object();
var next = Random.Shared.Next(1_000_000) * 1000L;
Console.Error.WriteLine("ready");
await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
{
    while (true)
    {
        var index = Interlocked.Increment(ref next);
        var result = await store.AppendAsync(inbox.Id, new AppendRequest(new MemoryStream(CrashMessage.Build(index))));
        var line = Encoding.ASCII.GetBytes($"ack {result.Uid} {index}\n");
        lock (gate)
        {
            stdout.Write(line);
            stdout.Flush();
        }
    }
})));
