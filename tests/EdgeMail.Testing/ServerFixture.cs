using System.Net;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Scram;
using EdgeMail.Auth.Throttling;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
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
/// </summary>
public sealed class ServerFixture : IAsyncDisposable
{
    private readonly List<MailListenerService> _listeners = [];

    private ServerFixture(TempFolder data, MailStore store, CertificateProvider certificate, Authenticator authenticator, LoginThrottle throttle, CollectingLoggerFactory logs)
    {
        Data = data;
        Store = store;
        Certificate = certificate;
        Authenticator = authenticator;
        Throttle = throttle;
        Logs = logs;
    }

    public TempFolder Data { get; }

    public MailStore Store { get; }

    public CertificateProvider Certificate { get; }

    public Authenticator Authenticator { get; }

    public LoginThrottle Throttle { get; }

    public CollectingLoggerFactory Logs { get; }

    /// <summary>Ports by endpoint name.</summary>
    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    public static async Task<ServerFixture> StartAsync(
        Func<ServerServices, IEnumerable<FixtureEndpoint>> endpoints,
        NetOptions? network = null,
        LoginThrottleOptions? throttle = null,
        StoreOptions? storage = null,
        TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var data = new TempFolder();
        var logs = new CollectingLoggerFactory();
        storage ??= new StoreOptions();
        storage.Path = data.Path;
        var store = MailStore.Open(storage, StoreOpenMode.Service, time, logs.CreateLogger<MailStore>());
        var certificate = new CertificateProvider(new TlsOptions(), data.Path, null, time);
        var loginThrottle = new LoginThrottle(throttle ?? new LoginThrottleOptions(), time);
        var authenticator = new Authenticator(store, loginThrottle, time);
        var fixture = new ServerFixture(data, store, certificate, authenticator, loginThrottle, logs);
        var limiter = new ConnectionLimiter(Options.Create(network ?? new NetOptions()));
        foreach (var endpoint in endpoints(new ServerServices(store, authenticator, time, logs)))
        {
            var listener = new MailListenerService(
                new ListenerEndpoint(endpoint.Name, IPAddress.Loopback, 0, endpoint.TlsMode, endpoint.Handler),
                limiter,
                Options.Create(network ?? new NetOptions()),
                logs.CreateLogger<MailListenerService>(),
                certificate,
                time);
            await listener.StartAsync(CancellationToken.None);
            fixture._listeners.Add(listener);
            fixture.Ports[endpoint.Name] = (await listener.Started).Port;
        }

        return fixture;
    }

    /// <summary>Creates an account with its default mailboxes.</summary>
    public Task<Account> AddUserAsync(string address, string password) =>
        Store.CreateAccountAsync(address, ScramSecret.Create(password));

    /// <summary>The server's log so far, for a failure message.</summary>
    public string LogText => string.Join(Environment.NewLine, Logs.Lines);

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.StopAsync(CancellationToken.None);
            listener.Dispose();
        }

        await Store.DisposeAsync();
        Certificate.Dispose();
        Data.Dispose();
    }
}
