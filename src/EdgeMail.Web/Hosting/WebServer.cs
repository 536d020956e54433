using System.Net;
using System.Security.Authentication;
using EdgeMail.Web.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeMail.Web.Hosting;

/// <summary>
/// The page as one hosted service of <c>serve</c>: it builds its own <see cref="WebApplication"/>
/// (<see cref="WebApplication.CreateEmptyBuilder"/> with Kestrel's core and routing, minimal APIs) when the host starts, hands it the host's
/// singletons (the store, Auth, the device layer and the host's adapters) and logger factory, and stops it with the
/// host. The web application reads no configuration of its own (no appsettings.json, no environment variables): its
/// options are the host's Web section.
/// </summary>
public sealed class WebServer : IHostedService, IAsyncDisposable
{
    private readonly WebOptions _options;
    private readonly WebEndpoints _endpoints;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private WebApplication? _app;

    public WebServer(WebOptions options, WebEndpoints endpoints, IServiceProvider services, ILoggerFactory loggers)
    {
        _options = options;
        _endpoints = endpoints;
        _services = services;
        _loggers = loggers;
    }

    /// <summary>Runs before the page's routes are mapped: tests put a middleware there (the remote address of a LAN client).</summary>
    internal Action<WebApplication>? BeforeRoutes { get; init; }

    /// <summary>The page's bound sockets once started (<c>http</c>, <c>https</c>), for status.</summary>
    public IReadOnlyList<ServiceListener> Listeners { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(WebServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        // The empty builder, not the slim one: no configuration sources (the host's Web section is the only one), no
        // console logging of its own, no configuration-bound HTTPS; Kestrel's core and routing are all the page needs.
        // Measured (Benchmarks: web): 2.4 MiB less idle RSS than CreateSlimBuilder with its sources cleared.
        builder.WebHost.UseKestrelCore();
        builder.Services.Configure<SocketTransportOptions>(o => o.CreateBoundListenSocket = BindListenSocket);
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_loggers);
        builder.Services.AddSingleton<IHostLifetime, HostedLifetime>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));
        WebServices.AddFromHost(builder.Services, _services, _options);

        var certificates = _services.GetRequiredService<IBoxCertificates>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = _options.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = _options.MaxRequestHeadersBytes;
            kestrel.Limits.MaxConcurrentConnections = _options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = _options.MaxConnections;
            kestrel.Limits.KeepAliveTimeout = _options.KeepAliveTimeout;
            foreach (var address in _endpoints.Addresses)
            {
                if (_options.Port != 0)
                {
                    kestrel.Listen(address, _options.Port);
                }
                if (_options.TlsPort != 0)
                {
                    kestrel.Listen(address, _options.TlsPort, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        // Per handshake: a renewed certificate (a new LAN address, expiry) is served without a restart.
                        ServerCertificateSelector = (_, _) => certificates.ServerCertificate,
                        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    }));
                }
            }
        });

        var app = builder.Build();
        BeforeRoutes?.Invoke(app);
        WebRoutes.Map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        Listeners = BoundListeners(app);
        _services.GetRequiredService<WebListeners>().Current = Listeners;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is { } app)
        {
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Binds a listening socket as the mail listeners do: [::] for IPv6 only (IPV6_V6ONLY), since Network:Bind "*" also
    /// binds 0.0.0.0 on the same port. Kestrel's own default makes [::] dual-stack, which then collides with its own
    /// 0.0.0.0 listener ("address already in use"): the appliance's shipped configuration never started (found by
    /// booting the SD image).
    /// </summary>
    internal static Socket BindListenSocket(EndPoint endpoint)
    {
        if (endpoint is not IPEndPoint ip || !ip.Address.Equals(IPAddress.IPv6Any))
        {
            return SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        }

        var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.DualMode = false;
            socket.Bind(ip);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static List<ServiceListener> BoundListeners(WebApplication app)
    {
        var result = new List<ServiceListener>();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var url in addresses)
        {
            // Kestrel writes "http://127.0.0.1:8080" and "http://[::1]:8080".
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                var tls = uri.Scheme == Uri.UriSchemeHttps;
                result.Add(new ServiceListener(tls ? "https" : "http", uri.Host.Trim('[', ']'), uri.Port, tls ? "implicit" : "none"));
            }
        }
        return result;
    }

    /// <summary>The page's host is stopped by <c>serve</c>'s, never by a signal of its own (no console lifetime).</summary>
    private sealed class HostedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
