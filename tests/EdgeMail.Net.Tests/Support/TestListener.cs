using System.Buffers;
using System.Net;
using EdgeMail.Testing;

namespace EdgeMail.Net.Tests.Support;

// One endpoint of a ServerFixture (127.0.0.1, port 0) around a bare line handler, for the network layer's tests.
internal sealed class TestListener : IAsyncDisposable
{
    private static readonly string ListenerCategory = typeof(MailListenerService).FullName!;

    private TestListener(ServerFixture fixture, string name)
    {
        Fixture = fixture;
        Service = fixture.Listeners[name];
        EndPoint = new IPEndPoint(IPAddress.Loopback, fixture.Ports[name]);
    }

    public ServerFixture Fixture { get; }

    public MailListenerService Service { get; }

    public IPEndPoint EndPoint { get; }

    /// <summary>What the listener itself logged.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. Fixture.Logs.Entries.Where(e => e.Category == ListenerCategory)];

    public static async Task<TestListener> StartAsync(
        IConnectionHandler handler,
        TlsMode tlsMode = TlsMode.None,
        NetOptions? options = null,
        ConnectionLimiter? limiter = null,
        CertificateProvider? certificates = null,
        MemoryPool<byte>? pool = null,
        string name = "echo")
    {
        var fixture = await ServerFixture.StartAsync(
            _ => [new FixtureEndpoint(name, tlsMode, handler)],
            new ServerFixtureOptions
            {
                Network = options ?? new NetOptions(),
                Limiter = limiter ?? new ConnectionLimiter(100, 100),
                Certificate = certificates,
                WithoutCertificate = certificates is null,
                Listener = (endpoint, l, network, logger, c, time) => new MailListenerService(endpoint, l, network, logger, c, time, pool ?? MemoryPool<byte>.Shared),
            });
        return new TestListener(fixture, name);
    }

    public Task<LineClient> ConnectAsync(IPAddress? from = null) => LineClient.ConnectAsync(EndPoint, from);

    public async Task<LineClient> ConnectAndGreetAsync()
    {
        var client = await ConnectAsync();
        Assert.StartsWith("HELLO ", await client.ReadLineAsync());
        return client;
    }

    public ValueTask DisposeAsync() => Fixture.DisposeAsync();
}
