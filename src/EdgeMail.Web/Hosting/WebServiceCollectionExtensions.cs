using EdgeMail.Web.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeMail.Web.Hosting;

/// <summary>Registration of the page in the host.</summary>
public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// Adds the page as a hosted service, when Web:Port or Web:TlsPort is set. The host must register
    /// <see cref="IBoxInfo"/>, <see cref="IBoxCertificates"/>, the store, Auth's Authenticator and pairing, a
    /// TimeProvider and logging; the device layer is optional.
    /// </summary>
    public static IServiceCollection AddWebPage(this IServiceCollection services, WebOptions options, WebEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<WebListeners>();
        services.AddSingleton(sp => new StatusEvents(sp.GetRequiredService<EdgeMail.Auth.Pairing.PairingWindow>(), sp.GetService<EdgeMail.Device.DeviceService>(), options));
        if (options.Enabled)
        {
            services.AddSingleton(sp => new WebServer(options, endpoints, sp, sp.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()));
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WebServer>());
        }
        return services;
    }
}
