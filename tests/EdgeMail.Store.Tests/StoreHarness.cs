using System.Text;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Messages;

namespace EdgeMail.Store.Tests;

/// <summary>A store in a fresh temp folder, with one account, removed on dispose.</summary>
internal sealed class StoreHarness : IAsyncDisposable
{
    private StoreHarness(string path, Action<StoreOptions>? configure, TimeProvider? time)
    {
        Path = path;
        Configure = configure;
        Time = time;
    }

    /// <summary>The store's clock; null: the system clock.</summary>
    private TimeProvider? Time { get; }

    private Action<StoreOptions>? Configure { get; }

    public string Path { get; }

    public MailStore Store { get; private set; } = null!;

    public long AccountId { get; private set; }

    public long InboxId { get; private set; }

    public static async Task<StoreHarness> CreateAsync(string address = "alice@example.org", Action<StoreOptions>? configure = null, TimeProvider? time = null)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgemail-store-test-" + Guid.NewGuid().ToString("N"));
        var harness = new StoreHarness(path, configure, time);
        harness.Store = MailStore.Open(harness.Options(), StoreOpenMode.Service, time);
        var account = await harness.Store.CreateAccountAsync(address, DummyCredential());
        harness.AccountId = account.Id;
        harness.InboxId = (await harness.Store.GetMailboxAsync(account.Id, "INBOX"))!.Id;
        return harness;
    }

    public static ScramCredential DummyCredential() =>
        new(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(), 4096, new byte[32], Enumerable.Repeat((byte)1, 32).ToArray());

    public async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        Store = MailStore.Open(Options(), StoreOpenMode.Service, Time);
    }

    public StoreOptions Options()
    {
        var options = new StoreOptions { Path = Path };
        Configure?.Invoke(options);
        return options;
    }

    public async Task CloseAsync()
    {
        await Store.DisposeAsync();
    }

    public Task<AppendResult> AppendAsync(long mailboxId, byte[] body, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        Store.AppendAsync(mailboxId, new AppendRequest(new MemoryStream(body), flags, keywords, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)));

    public Task<AppendResult> AppendAsync(long mailboxId, string body, MessageFlags flags = MessageFlags.None, params string[] keywords) =>
        AppendAsync(mailboxId, Encoding.ASCII.GetBytes(body), flags, keywords);

    public async Task<List<MessageRecord>> ListAsync(long mailboxId)
    {
        var list = new List<MessageRecord>();
        await foreach (var message in Store.EnumerateAsync(mailboxId))
        {
            list.Add(message);
        }

        return list;
    }

    public async Task<byte[]> ReadBodyAsync(long bodyId)
    {
        await using var stream = await Store.OpenBodyAsync(bodyId);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>A syntactically valid message of exactly <paramref name="size"/> bytes with varied content.</summary>
    public static byte[] Message(int size, int seed = 1)
    {
        var header = Encoding.ASCII.GetBytes($"From: a@example.org\r\nTo: b@example.org\r\nSubject: test {seed}\r\nMessage-ID: <{seed}@example.org>\r\n\r\n");
        var bytes = new byte[size];
        header.CopyTo(bytes, 0);
        var random = new Random(seed);
        for (var i = header.Length; i < size; i++)
        {
            var col = (i - header.Length) % 78;
            bytes[i] = col == 76 ? (byte)'\r' : col == 77 ? (byte)'\n' : (byte)random.Next(0x21, 0x7F);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Store.DisposeAsync();
        }
        catch (ObjectDisposedException)
        {
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
