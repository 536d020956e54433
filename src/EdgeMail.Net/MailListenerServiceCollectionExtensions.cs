using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeMail.Net;

/// <summary>Registration of listeners in the host.</summary>
public static class MailListenerServiceCollectionExtensions
{
    /// <summary>
    /// Adds one <see cref="MailListenerService"/> hosted service for the endpoint the factory returns. All
    /// listeners share the singletons <see cref="ConnectionLimiter"/> and <see cref="ClientEventLog"/> (added here if absent) and use the singleton
    /// <see cref="CertificateProvider"/> and <see cref="TimeProvider"/> when registered. Find the listeners (and
    /// their bound ports) with <c>GetServices&lt;IHostedService&gt;().OfType&lt;MailListenerService&gt;()</c>.
    /// </summary>
    public static IServiceCollection AddMailListener(this IServiceCollection services, Func<IServiceProvider, ListenerEndpoint> endpoint)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        services.TryAddSingleton<ConnectionLimiter>();
        services.TryAddSingleton(provider => new ClientEventLog(provider.GetRequiredService<ILogger<ClientEventLog>>(), provider.GetService<TimeProvider>()));
        services.AddSingleton<IHostedService>(provider => new MailListenerService(
            endpoint(provider),
            provider.GetRequiredService<ConnectionLimiter>(),
            provider.GetRequiredService<IOptions<NetOptions>>(),
            provider.GetRequiredService<ILogger<MailListenerService>>(),
            provider.GetService<CertificateProvider>(),
            provider.GetService<TimeProvider>(),
            provider.GetRequiredService<ClientEventLog>()));
        return services;
    }
}
