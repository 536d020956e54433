using EdgeMail.Auth.Login;
using EdgeMail.Auth.Pairing;
using EdgeMail.Device;
using EdgeMail.Store;
using EdgeMail.Web.Admin;
using EdgeMail.Web.Pairing;
using EdgeMail.Web.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeMail.Web.Hosting;

/// <summary>
/// The web application's services: the host's singletons it uses (registered as instances, so that the web
/// application never disposes what the host owns) and the page's own.
/// </summary>
internal static class WebServices
{
    public static void AddFromHost(IServiceCollection services, IServiceProvider host, WebOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(host.GetRequiredService<TimeProvider>());
        services.AddSingleton(host.GetRequiredService<MailStore>());
        services.AddSingleton(host.GetRequiredService<Authenticator>());
        services.AddSingleton(host.GetRequiredService<PairingWindow>());
        services.AddSingleton(host.GetRequiredService<PairingService>());
        services.AddSingleton(host.GetRequiredService<EdgeMail.Auth.TwoFactor.TwoFactorService>());
        services.AddSingleton(host.GetRequiredService<EdgeMail.Auth.Admin.AdminLogin>());
        services.AddSingleton(host.GetRequiredService<IBoxInfo>());
        services.AddSingleton(host.GetRequiredService<IBoxCertificates>());
        services.AddSingleton(host.GetRequiredService<IQueueControl>());
        services.AddSingleton(host.GetRequiredService<IRecentLog>());
        services.AddSingleton(host.GetRequiredService<WebListeners>());
        if (host.GetService<DeviceService>() is { } device)
        {
            services.AddSingleton(device);
            services.AddSingleton(host.GetRequiredService<IOptions<DeviceOptions>>());
        }

        services.AddSingleton(host.GetRequiredService<StatusEvents>());
        services.AddSingleton(sp => new StatusBuilder(
            sp.GetRequiredService<MailStore>(), sp.GetRequiredService<PairingWindow>(), sp.GetService<DeviceService>(),
            sp.GetRequiredService<IBoxInfo>(), sp.GetRequiredService<IBoxCertificates>(), sp.GetRequiredService<WebListeners>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new AdminSessions(options, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PairingTokens(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new OneTimeDownloads(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PairFlow(
            sp.GetRequiredService<PairingService>(), sp.GetRequiredService<PairingTokens>(), sp.GetRequiredService<OneTimeDownloads>(),
            sp.GetRequiredService<MailStore>(), sp.GetRequiredService<IBoxCertificates>(), options, sp.GetRequiredService<StatusEvents>()));
    }
}
