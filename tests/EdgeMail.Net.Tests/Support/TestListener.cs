using System.Buffers;
using System.Net;

namespace EdgeMail.Net.Tests.Support;

// One MailListenerService on 127.0.0.1, port 0, started and stopped around a test.
internal sealed class TestListener : IAsyncDisposable
{
    private TestListener(MailListenerService service, IPEndPoint endPoint, ListLogger logger)
    {
        Service = service;
        EndPoint = endPoint;
        Logger = logger;
    }

    public MailListenerService Service { get; }

    public IPEndPoint EndPoint { get; }

    public ListLogger Logger { get; }

    public static async Task<TestListener> StartAsync(
        IConnectionHandler handler,
        TlsMode tlsMode = TlsMode.None,
        NetOptions? options = null,
        ConnectionLimiter? limiter = null,
        CertificateProvider? certificates = null,
        MemoryPool<byte>? pool = null,
        string name = "echo")
    {
        var logger = new ListLogger();
        var service = new MailListenerService(
            new ListenerEndpoint(name, IPAddress.Loopback, 0, tlsMode, handler),
            limiter ?? new ConnectionLimiter(100, 100),
            options ?? new NetOptions(),
            logger,
            certificates,
            TimeProvider.System,
            pool ?? MemoryPool<byte>.Shared);
        await service.StartAsync(CancellationToken.None);
        var endPoint = await service.Started.WaitAsync(LineClient.DefaultTimeout);
        return new TestListener(service, endPoint, logger);
    }

    public Task<LineClient> ConnectAsync(IPAddress? from = null) => LineClient.ConnectAsync(EndPoint, from);

    public async Task<LineClient> ConnectAndGreetAsync()
    {
        var client = await ConnectAsync();
        Assert.StartsWith("HELLO ", await client.ReadLineAsync());
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Service.Dispose();
    }
}
