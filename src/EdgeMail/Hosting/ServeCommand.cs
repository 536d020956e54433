using System.Net;
using EdgeMail.Configuration;
using EdgeMail.Hosting;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail;

/// <summary>
/// `edgemail serve`: the generic host with one listener service per endpoint, the store, the TLS
/// certificate, and systemd integration (Type=notify under systemd, no effect elsewhere).
/// SIGTERM stops accepting, lets sessions finish within Network:DrainTimeout, then closes the store.
/// </summary>
internal static class ServeCommand
{
    public static async Task<int> RunAsync(CliArguments cli, IConfigurationRoot configuration, EdgeMailSettings settings)
    {
        Cli.ExpectWords(cli, 1);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Services.AddSystemd();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Network.DrainTimeout + TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IOptions<NetOptions>>(Options.Create(settings.Network));
        builder.Services.AddSingleton<ConnectionLimiter>();

        // The store and the certificate are opened before the host starts, so that a locked data
        // folder or a bad certificate fails `serve` with one clear line.
        var store = MailStore.Open(settings.Storage, StoreOpenMode.Service);
        CertificateProvider certificate;
        try
        {
            certificate = new CertificateProvider(settings.Tls, store.DataPath);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(certificate);
        foreach (var address in settings.Network.GetBindAddresses())
        {
            AddEndpoint(builder.Services, "imap", address, settings.Imap.Port, TlsMode.None, UnavailableProtocolHandler.Imap);
            AddEndpoint(builder.Services, "imaps", address, settings.Imap.TlsPort, TlsMode.Implicit, UnavailableProtocolHandler.Imap);
            AddEndpoint(builder.Services, "pop3", address, settings.Pop3.Port, TlsMode.None, UnavailableProtocolHandler.Pop3);
            AddEndpoint(builder.Services, "pop3s", address, settings.Pop3.TlsPort, TlsMode.Implicit, UnavailableProtocolHandler.Pop3);
            AddEndpoint(builder.Services, "smtp", address, settings.Smtp.Port, TlsMode.None, UnavailableProtocolHandler.Smtp);
            AddEndpoint(builder.Services, "submission", address, settings.Smtp.SubmissionPort, TlsMode.None, UnavailableProtocolHandler.Smtp);
            AddEndpoint(builder.Services, "submissions", address, settings.Smtp.TlsPort, TlsMode.Implicit, UnavailableProtocolHandler.Smtp);
        }

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeMail");
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"edgemail: {Cli.OneLine(ex.Message)}").ConfigureAwait(false);
            return Cli.Failure;
        }

        var listening = host.Services.GetServices<IHostedService>().OfType<MailListenerService>().Select(l => $"{l.Endpoint.Name}={l.LocalEndPoint}");
        Log.Listening(logger, store.DataPath, certificate.Sha256Fingerprint, string.Join(' ', listening));
        await host.WaitForShutdownAsync().ConfigureAwait(false);
        return Cli.Ok;
    }

    private static void AddEndpoint(IServiceCollection services, string name, IPAddress address, int port, TlsMode mode, IConnectionHandler handler)
    {
        if (port == 0)
        {
            return;
        }

        services.AddMailListener(_ => new ListenerEndpoint(name, address, port, mode, handler));
    }
}
