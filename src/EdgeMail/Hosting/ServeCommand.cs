using EdgeMail.Cli;
using EdgeMail.Delivery;
using EdgeMail.Delivery.Routing;
using EdgeMail.Imap;
using EdgeMail.Pop3;
using EdgeMail.Smtp;
using EdgeMail.Smtp.Inbound;
using EdgeMail.Smtp.Relay;
using System.Net;
using EdgeMail.Auth;
using EdgeMail.Auth.Login;
using EdgeMail.Auth.Pairing;
using EdgeMail.Auth.Throttling;
using EdgeMail.Configuration;
using EdgeMail.Control;
using EdgeMail.Device;
using EdgeMail.Signals;
using EdgeMail.Net;
using EdgeMail.Store;
#if EDGEMAIL_WEB
using EdgeMail.Web;
using EdgeMail.Web.Hosting;
#endif
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Hosting;

/// <summary>
/// `edgemail serve`: the generic host with one listener service per endpoint, the store, the TLS
/// certificate, and systemd integration (Type=notify under systemd, no effect elsewhere).
/// SIGTERM stops accepting, lets sessions finish within Network:DrainTimeout, then closes the store.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The host's own category, which logs a failed start with its stack trace.</summary>
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// `serve --check`: the configuration loaded and validated as <see cref="RunAsync"/> loads it (the embedded defaults,
    /// the file, EDGEMAIL_ variables, --Section:Key=value), and nothing else: no store is opened, no data folder made, no
    /// port bound, no GPIO touched. A problem is the same one line and exit code as serve's.
    /// </summary>
    public static async Task<int> CheckAsync(VerbContext context)
    {
        _ = context.Settings;
        var file = EdgeMailConfiguration.LoadedFile(context.Configuration) ?? "the embedded defaults";
        await Console.Out.WriteLineAsync($"configuration OK: {file}").ConfigureAwait(false);
        return CliProgram.Ok;
    }

    public static async Task<int> RunAsync(VerbContext context, CancellationToken cancellationToken)
    {
        var configuration = context.Configuration;
        var settings = context.Settings;
        var starting = true;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });

        // A failed start (a port in use) is said once, as one line on stderr, below; the host would log it again
        // with the whole stack trace, and then the services it tears down. Once started, its errors (a background
        // service failing) are logged as usual.
        builder.Logging.AddFilter(HostCategory, level => level >= LogLevel.Information && !(starting && level >= LogLevel.Error));

        // The web page's framework logs each request at Information and its own start banner; our listening line says
        // where the page is.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
#if EDGEMAIL_WEB
        // The latest lines, for the admin page.
        var recentLog = new RecentLog(TimeProvider.System);
        builder.Logging.AddProvider(recentLog);
        builder.Services.AddSingleton<IRecentLog>(recentLog);
#endif
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Network.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSystemdIntegration();
        builder.Services.AddSingleton<IOptions<NetOptions>>(Options.Create(settings.Network));
        builder.Services.AddSingleton<ConnectionLimiter>();

        // The store and the certificate are opened before the host starts, so that a locked data
        // folder or a bad certificate fails `serve` with one clear line.
        DataFolder.CheckWritable(Path.GetFullPath(settings.Storage.Path));
        var store = MailStore.Open(settings.Storage, StoreOpenMode.Service);

        builder.Services.AddSingleton(store);
        // Made by the container (which disposes it, ending its renewal timer) so that it logs through the host's
        // loggers: the CA's creation, the migration from the old self-signed certificate, each renewal.
        builder.Services.AddSingleton(sp => new CertificateProvider(
            settings.Tls, store.DataPath, sp.GetRequiredService<ILogger<CertificateProvider>>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(settings.Auth);
        builder.Services.AddSingleton(settings.Auth.Throttle);
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<Authenticator>();
        builder.Services.AddSingleton(settings.Pairing);
        builder.Services.AddSingleton<PairingWindow>();
        builder.Services.AddSingleton(sp => new PairingService(sp.GetRequiredService<MailStore>(), sp.GetRequiredService<Authenticator>(), sp.GetRequiredService<PairingWindow>(), settings.Domains));
        builder.Services.AddSingleton<EdgeMail.Auth.TwoFactor.TwoFactorService>();
        builder.Services.AddSingleton<EdgeMail.Auth.Admin.AdminLogin>();
        builder.Services.AddSingleton(settings.Imap);
        builder.Services.AddSingleton<ImapConnectionHandler>();
        builder.Services.AddSingleton(settings.Pop3);
        builder.Services.AddSingleton<Pop3Maildrops>();
        builder.Services.AddSingleton<Pop3ConnectionHandler>();
        builder.Services.AddHostedService<Pop3ExpiryService>();
        builder.Services.AddSingleton(settings.Memory);
        builder.Services.AddHostedService<MemoryTrimmer>();
        builder.Services.AddSingleton(settings.Smtp);
        builder.Services.AddSingleton(settings.Relay);
        // Every local delivery (SMTP, the relay queue's reports) goes through one MailDelivery; its limits are the
        // SMTP keys users already have.
        builder.Services.AddSingleton(new DeliveryOptions { MaxMessageBytes = settings.Smtp.MaxMessageBytes, MaxReceivedHeaders = settings.Smtp.MaxReceivedHeaders, PostmasterAccount = settings.Smtp.PostmasterAccount });
        builder.Services.AddSingleton(new LocalDomains(settings.Domains));
        builder.Services.AddSingleton<MailDelivery>();
        builder.Services.AddSingleton<RelayQueueSignal>();
        builder.Services.AddSingleton<RelayHealthSignal>();
        builder.Services.AddSingleton<OutboundLimiter>();
        builder.Services.AddSingleton<RelayPolicy>();
        builder.Services.AddSingleton<MailIntake>();
        builder.Services.AddSingleton<SmtpConnectionHandler>();
        builder.Services.AddHostedService<QueueRunner>();

        // Mail pulled from the provider's mailboxes (the fetch accounts in the store), through the same MailDelivery.
        builder.Services.AddSingleton<EdgeMail.Fetch.FetchHealthSignal>();
        builder.Services.AddSingleton(sp => new EdgeMail.Fetch.FetchService(
            store, sp.GetRequiredService<MailDelivery>(), settings.Fetch, sp.GetRequiredService<EdgeMail.Fetch.FetchHealthSignal>(),
            settings.Smtp.EffectiveHostName, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EdgeMail.Fetch.FetchService>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeMail.Fetch.FetchService>());

        // The box's face: LEDs and button (EdgeMail.Device), fed from the store, the relay queue and the disk.
        builder.Services.AddDevice(settings.Device);
        builder.Services.AddSingleton(new DiskSpace(store.DataPath, settings.Storage.MinFreeBytes));
        builder.Services.AddHostedService<DeviceFeed>();
        builder.Services.AddSingleton(settings);
#if EDGEMAIL_WEB
        // The web page (EdgeMail.Web), in this process, over the host's adapters.
        builder.Services.AddSingleton<IBoxInfo, BoxInfo>();
        builder.Services.AddSingleton<IBoxCertificates, BoxCertificates>();
        builder.Services.AddSingleton<IQueueControl, QueueControl>();
        builder.Services.AddWebPage(settings.Web, new WebEndpoints(settings.Network.GetBindAddresses()));
#endif
        // The scheduled backup (off without Backup:Path).
        builder.Services.AddSingleton(sp => new EdgeMail.Backup.BackupScheduler(
            settings.Backup, store, EdgeMailConfiguration.LoadedFile(configuration), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EdgeMail.Backup.BackupScheduler>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EdgeMail.Backup.BackupScheduler>());
        builder.Services.AddSingleton(settings.Control);
        builder.Services.AddSingleton<IControlHandler, StatusHandler>();
        builder.Services.AddSingleton<IControlHandler, QueueFlushHandler>();
        builder.Services.AddSingleton<IControlHandler, PairHandler>();
        builder.Services.AddSingleton<IControlHandler, DeviceRevokeHandler>();
        builder.Services.AddSingleton<IControlHandler, FetchReloadHandler>();
        builder.Services.AddSingleton<IControlHandler, FetchRunHandler>();
        builder.Services.AddHostedService<ControlServer>();
        foreach (var address in settings.Network.GetBindAddresses())
        {
            AddEndpoint(builder.Services, "imap", address, settings.Imap.Port, TlsMode.None, Handler<ImapConnectionHandler>);
            AddEndpoint(builder.Services, "imaps", address, settings.Imap.TlsPort, TlsMode.Implicit, Handler<ImapConnectionHandler>);
            AddEndpoint(builder.Services, "pop3", address, settings.Pop3.Port, TlsMode.None, Handler<Pop3ConnectionHandler>);
            AddEndpoint(builder.Services, "pop3s", address, settings.Pop3.TlsPort, TlsMode.Implicit, Handler<Pop3ConnectionHandler>);
            AddEndpoint(builder.Services, "smtp", address, settings.Smtp.Port, TlsMode.None, Handler<SmtpConnectionHandler>);
            AddEndpoint(builder.Services, "submission", address, settings.Smtp.SubmissionPort, TlsMode.None, Handler<SmtpConnectionHandler>);
            AddEndpoint(builder.Services, "submissions", address, settings.Smtp.TlsPort, TlsMode.Implicit, Handler<SmtpConnectionHandler>);
        }

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeMail");
        CertificateProvider certificate;
        try
        {
            certificate = host.Services.GetRequiredService<CertificateProvider>();
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            starting = false;
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"edgemail: {CliProgram.OneLine(ex.Message)}").ConfigureAwait(false);
            return CliProgram.Failure;
        }

        var listening = BoundListeners.Of(host.Services).Select(l => $"{l.Name}={l.Bound}");
#if EDGEMAIL_WEB
        if (host.Services.GetService<WebServer>() is { } web)
        {
            listening = listening.Concat(web.Listeners.Select(l => $"{l.Service}={(l.Address.Contains(':', StringComparison.Ordinal) ? $"[{l.Address}]" : l.Address)}:{l.Port}"));
        }
#endif
        Log.Listening(logger, store.DataPath, certificate.Sha256Fingerprint, certificate.AuthoritySha256Fingerprint ?? "none (configured certificate)", string.Join(' ', listening));
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return CliProgram.Ok;
    }

    private static void AddEndpoint(IServiceCollection services, string name, IPAddress address, int port, TlsMode mode, Func<IServiceProvider, IConnectionHandler> handler)
    {
        if (port == 0)
        {
            return;
        }

        services.AddMailListener(sp => new ListenerEndpoint(name, address, port, mode, handler(sp)));
    }

    private static IConnectionHandler Handler<T>(IServiceProvider services)
        where T : IConnectionHandler => services.GetRequiredService<T>();
}
