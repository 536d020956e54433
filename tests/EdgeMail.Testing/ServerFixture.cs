using System.Net;
using System.Text;
using EdgeMail.Auth;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Throttling;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Mailboxes;
using EdgeMail.Store.Messages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Testing;

/// <summary>What a protocol's connection handler is built from, as the host gives it.</summary>
public sealed record ServerServices(MailStore Store, Authenticator Authenticator, TimeProvider Time, ILoggerFactory Logs);

/// <summary>One listener a fixture opens: a name ("imap", "pop3s"), TLS mode and the handler.</summary>
public sealed record FixtureEndpoint(string Name, TlsMode TlsMode, IConnectionHandler Handler);

/// <summary>
/// A server on 127.0.0.1 with ephemeral ports and a temporary data folder, built from the real store,
/// certificate, throttle, authenticator and listener services, in process. Tests reach the store
/// directly (to deliver as SMTP would, or to check what a client did) and read the server's log on failure.
/// Each protocol's tests give it their handlers; the network layer's tests give it a bare line handler.
/// </summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private readonly List<MailListenerService> _listeners = [];
    private readonly bool _ownsCertificate;
    private readonly TimeSpan _stopTimeout;

    private ServerFixture(TempFolder data, MailStore store, CertificateProvider? certificate, bool ownsCertificate, Authenticator authenticator, LoginThrottle throttle, CollectingLoggerFactory logs, TimeSpan stopTimeout)
    {
        Data = data;
        Store = store;
        Certificate = certificate;
        _ownsCertificate = ownsCertificate;
        Authenticator = authenticator;
        Throttle = throttle;
        Logs = logs;
        _stopTimeout = stopTimeout;
    }

    public TempFolder Data { get; }

    public MailStore Store { get; }

    /// <summary>Null only when the options asked for no certificate.</summary>
    public CertificateProvider? Certificate { get; }

    public Authenticator Authenticator { get; }

    public LoginThrottle Throttle { get; }

    public CollectingLoggerFactory Logs { get; }

    /// <summary>Ports by endpoint name.</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    /// <summary>The listeners by endpoint name.</summary>
    public Dictionary<string, MailListenerService> Listeners { get; } = new(StringComparer.Ordinal);

    public static Task<ServerFixture> StartAsync(
        Func<ServerServices, IEnumerable<FixtureEndpoint>> endpoints,
        NetOptions? network = null,
        LoginThrottleOptions? throttle = null,
        StoreOptions? storage = null,
        TimeProvider? time = null) =>
        StartAsync(endpoints, new ServerFixtureOptions
        {
            Network = network ?? new NetOptions(),
            Throttle = throttle ?? new LoginThrottleOptions(),
            Storage = storage ?? new StoreOptions(),
            Time = time ?? TimeProvider.System,
        });

    public static async Task<ServerFixture> StartAsync(Func<ServerServices, IEnumerable<FixtureEndpoint>> endpoints, ServerFixtureOptions options)
    {
        var time = options.Time;
        var data = new TempFolder();
        var logs = new CollectingLoggerFactory();
        var storage = options.Storage;
        storage.Path = data.Path;
        var store = MailStore.Open(storage, StoreOpenMode.Service, time, logs.CreateLogger<MailStore>());
        var ownsCertificate = options.Certificate is null && !options.WithoutCertificate;
        var certificate = options.WithoutCertificate ? null : options.Certificate ?? new CertificateProvider(new TlsOptions(), data.Path, null, time);
        var loginThrottle = new LoginThrottle(options.Throttle, time);
        var authenticator = new Authenticator(store, loginThrottle, new AuthOptions { MaxFailuresPerConnection = options.MaxFailuresPerConnection, Throttle = options.Throttle }, time, logs.CreateLogger<Authenticator>());
        var fixture = new ServerFixture(data, store, certificate, ownsCertificate, authenticator, loginThrottle, logs, options.StartStopTimeout);
        var limiter = options.Limiter ?? new ConnectionLimiter(Options.Create(options.Network));
        var build = options.Listener ?? ((endpoint, l, network, logger, c, t) => new MailListenerService(endpoint, l, Options.Create(network), logger, c, t));
        foreach (var endpoint in endpoints(new ServerServices(store, authenticator, time, logs)))
        {
            var listener = build(
                new ListenerEndpoint(endpoint.Name, IPAddress.Loopback, 0, endpoint.TlsMode, endpoint.Handler),
                limiter,
                options.Network,
                logs.CreateLogger<MailListenerService>(),
                certificate,
                time);
            fixture._listeners.Add(listener);
            fixture.Listeners[endpoint.Name] = listener;
            await listener.StartAsync(CancellationToken.None);
            fixture.Ports[endpoint.Name] = (await listener.Started.WaitAsync(options.StartStopTimeout)).Port;
        }

        return fixture;
    }

    /// <summary>Creates an account with its default mailboxes.</summary>
    public Task<Account> AddUserAsync(string address, string password) =>
        Store.CreateAccountAsync(address, ScramSecret.Create(password));

    /// <summary>A mailbox of an existing account (INBOX by default).</summary>
    public async Task<MailboxInfo> MailboxAsync(string address, string name = "INBOX")
    {
        var account = await Store.FindAccountAsync(address) ?? throw new InvalidOperationException($"no account {address}");
        return await Store.GetMailboxAsync(account.Id, name) ?? throw new InvalidOperationException($"{address} has no mailbox {name}");
    }

    /// <summary>Delivers a message into a mailbox as SMTP would, its bytes as given.</summary>
    public Task<AppendResult> DeliverAsync(long mailboxId, byte[] message) =>
        Store.AppendAsync(mailboxId, new AppendRequest(new MemoryStream(message), MessageFlags.None, [], null));

    /// <summary>The messages of a mailbox in UID order.</summary>
    public async Task<List<MessageRecord>> MessagesAsync(long mailboxId)
    {
        var list = new List<MessageRecord>();
        await foreach (var record in Store.EnumerateAsync(mailboxId))
        {
            list.Add(record);
        }

        return list;
    }

    /// <summary>The messages of a mailbox with their stored bytes as UTF-8 text.</summary>
    public async Task<List<(MessageRecord Record, string Text)>> MessagesWithTextAsync(long mailboxId)
    {
        var result = new List<(MessageRecord, string)>();
        foreach (var record in await MessagesAsync(mailboxId))
        {
            await using var body = await Store.OpenBodyAsync(record.BodyId);
            using var reader = new StreamReader(body, Encoding.UTF8, leaveOpen: true);
            result.Add((record, await reader.ReadToEndAsync()));
        }

        return result;
    }

    /// <summary>The server's log so far, for a failure message.</summary>
    public string LogText => string.Join(Environment.NewLine, Logs.Lines);

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.StopAsync(CancellationToken.None).WaitAsync(_stopTimeout);
            listener.Dispose();
        }

        Authenticator.Dispose();
        await Store.DisposeAsync();
        if (_ownsCertificate)
        {
            Certificate?.Dispose();
        }

        Data.Dispose();
    }
}
