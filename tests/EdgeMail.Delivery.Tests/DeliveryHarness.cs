using EdgeMail.Delivery.Routing;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Testing;

namespace EdgeMail.Delivery.Tests;

/// <summary>A real store in a temp folder with MailDelivery over it for the domains given.</summary>
internal sealed class DeliveryHarness : IAsyncDisposable
{
    private readonly TempFolder _folder = new();

    private DeliveryHarness(DeliveryOptions options, string[] domains, Action<StoreOptions>? configure)
    {
        var storage = new StoreOptions { Path = _folder.Path };
        configure?.Invoke(storage);
        Store = MailStore.Open(storage, StoreOpenMode.Service);
        Delivery = new MailDelivery(Store, new LocalDomains(domains), options);
    }

    public MailStore Store { get; }

    public MailDelivery Delivery { get; }

    public string DataPath => _folder.Path;

    public static DeliveryHarness Create(DeliveryOptions? options = null, Action<StoreOptions>? configure = null, params string[] domains) =>
        new(options ?? new DeliveryOptions(), domains.Length == 0 ? ["home.test"] : domains, configure);

    public async Task<long> AddAccountAsync(string address) =>
        (await Store.CreateAccountAsync(address, new ScramCredential([1, 2, 3, 4], 4096, new byte[32], new byte[32]))).Id;

    public async Task<long> InboxAsync(long accountId) => (await Store.GetMailboxAsync(accountId, "INBOX"))!.Id;

    public async Task<IncomingMessage> MessageAsync(string text, Trace.ReceivedTrace? trace = null)
    {
        var message = await Delivery.BeginAsync(trace);
        await message.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), CancellationToken.None);
        return message;
    }

    /// <summary>The bytes of every message in a mailbox, in UID order.</summary>
    public async Task<List<string>> TextsAsync(long mailboxId)
    {
        var texts = new List<string>();
        await foreach (var record in Store.EnumerateAsync(mailboxId))
        {
            await using var body = await Store.OpenBodyAsync(record.BodyId);
            using var reader = new StreamReader(body);
            texts.Add(await reader.ReadToEndAsync());
        }

        return texts;
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        _folder.Dispose();
    }
}
