using System.Text;
using EdgeMail.Delivery;
using EdgeMail.Delivery.Routing;
using EdgeMail.Store;
using EdgeMail.Store.Fetch;
using EdgeMail.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Fetch.Tests.Support;

/// <summary>
/// The box that fetches: its own store with alice@edgemail.local, the one MailDelivery, and the FetchService as
/// `serve` runs it (started, so that its workers run and IDLE; <see cref="RunAsync"/> is `edgemail fetch run`).
/// </summary>
internal sealed class Box : IAsyncDisposable
{
    public const string Address = "alice@edgemail.local";

    private Box(TempFolder data, MailStore store, FetchService service, CollectingLoggerFactory logs, long accountId)
    {
        Data = data;
        Store = store;
        Service = service;
        Logs = logs;
        AccountId = accountId;
    }

    public TempFolder Data { get; }

    public MailStore Store { get; }

    public FetchService Service { get; }

    public CollectingLoggerFactory Logs { get; }

    public long AccountId { get; }

    public FetchHealthSignal Health { get; } = new();

    public static async Task<Box> StartAsync(FetchOptions? options = null, long maxMessageBytes = 10 * 1024 * 1024)
    {
        var data = new TempFolder();
        var logs = new CollectingLoggerFactory();
        var store = MailStore.Open(new StoreOptions { Path = data.Path }, StoreOpenMode.Service, TimeProvider.System, logs.CreateLogger<MailStore>());
        var account = await store.CreateAccountAsync(Address, EdgeMail.Auth.Scram.ScramSecret.Create("box password 1"));
        var delivery = new MailDelivery(store, new LocalDomains(["edgemail.local"]), new DeliveryOptions { MaxMessageBytes = maxMessageBytes });
        options ??= new FetchOptions { Timeout = TimeSpan.FromSeconds(10) };
        var health = new FetchHealthSignal();
        var service = new FetchService(store, delivery, options, health, "box.test", TimeProvider.System, logs.CreateLogger<FetchService>());
        await service.StartAsync(CancellationToken.None);
        return new Box(data, store, service, logs, account.Id);
    }

    /// <summary>A fetch account from this box to <paramref name="provider"/>, IMAP over implicit TLS unless told otherwise.</summary>
    public async Task<FetchAccount> AddAsync(
        Provider provider,
        string name = "provider",
        FetchProtocol protocol = FetchProtocol.Imap,
        FetchSecurity security = FetchSecurity.Tls,
        int? port = null,
        string[]? folders = null,
        FetchRemoteAction action = FetchRemoteAction.Keep,
        string? moveTo = null,
        bool insecureTls = true,
        string mailbox = "INBOX",
        string password = Provider.Password)
    {
        port ??= (protocol, security) switch
        {
            (FetchProtocol.Imap, FetchSecurity.Tls) => provider.ImapsPort,
            (FetchProtocol.Imap, _) => provider.ImapPort,
            (_, FetchSecurity.Tls) => provider.Pop3sPort,
            _ => provider.Pop3Port,
        };
        var account = await Store.AddFetchAccountAsync(new FetchAccountSpec(
            name, protocol, "127.0.0.1", port.Value, security, Provider.User, password, Address, mailbox, TimeSpan.FromMinutes(5),
            folders ?? ["INBOX"], action, moveTo, insecureTls));
        Service.Reload();
        return account;
    }

    /// <summary>One pass of the account now, as `edgemail fetch run NAME`.</summary>
    public async Task<FetchRunResult> RunAsync(string name = "provider")
    {
        var results = await Service.RunAsync(name, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(results);
        return Assert.Single(results);
    }

    /// <summary>One pass that must succeed; the messages it brought.</summary>
    public async Task<int> FetchAsync(string name = "provider")
    {
        var result = await RunAsync(name);
        Assert.True(result.Error is null, $"the fetch failed: {result.Error}\n{LogText}");
        return result.Fetched;
    }

    /// <summary>The subjects (the tests' tokens) of a local mailbox's messages, in UID order.</summary>
    public async Task<List<string>> TokensAsync(string mailbox = "INBOX") => (await TextsAsync(mailbox)).Select(SubjectOf).ToList();

    /// <summary>The stored messages of a local mailbox as text, in UID order.</summary>
    public async Task<List<string>> TextsAsync(string mailbox = "INBOX")
    {
        var box = await Store.GetMailboxAsync(AccountId, mailbox);
        if (box is null)
        {
            return [];
        }

        var texts = new List<string>();
        await foreach (var record in Store.EnumerateAsync(box.Id))
        {
            await using var body = await Store.OpenBodyAsync(record.BodyId);
            using var reader = new StreamReader(body, Encoding.UTF8);
            texts.Add(await reader.ReadToEndAsync());
        }

        return texts;
    }

    public string LogText => string.Join(Environment.NewLine, Logs.Entries.Select(e => e.ToString()));

    public static string SubjectOf(string text)
    {
        foreach (var line in text.Split("\r\n"))
        {
            if (line.StartsWith("Subject: ", StringComparison.Ordinal))
            {
                return line["Subject: ".Length..];
            }

            if (line.Length == 0)
            {
                break;
            }
        }

        return "";
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        await Store.DisposeAsync();
        Data.Dispose();
    }
}
