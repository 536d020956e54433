using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeMail.Device;

/// <summary>Registration of the device layer in the host.</summary>
public static class DeviceServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="DeviceSignals"/> (one per process, for the host's adapters to call), <see cref="DeviceService"/>
    /// as a singleton (for <c>status</c>) and as a hosted service, with <paramref name="options"/> as validated by
    /// <see cref="DeviceOptionsValidator"/>. Needs a <see cref="TimeProvider"/> and logging registered.
    /// </summary>
    public static IServiceCollection AddDevice(this IServiceCollection services, DeviceOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<IOptions<DeviceOptions>>(Options.Create(options));
        services.TryAddSingleton<DeviceSignals>();
        services.AddSingleton<DeviceService>();
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<DeviceService>());
        return services;
    }
}
