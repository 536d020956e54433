using System.Globalization;
using EdgeMail.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace EdgeMail.Hosting;

/// <summary>
/// `serve` under systemd: Type=notify (READY=1 once every listener is bound, STOPPING=1 at SIGTERM), the journal's log
/// format, and the watchdog (<see cref="SystemdWatchdog"/>). Outside systemd none of it has an effect.
/// </summary>
internal static class SystemdRegistration
{
    /// <summary>Set by systemd 248 and later to the pid of the service's main process (systemd.exec(5), "Environment Variables in Spawned Processes").</summary>
    public const string ExecPidVariable = "SYSTEMD_EXEC_PID";

    /// <summary>
    /// Registers the systemd integration; the watchdog is registered here, before every other hosted service, so that
    /// it is the last to stop.
    /// </summary>
    public static IServiceCollection AddSystemdIntegration(this IServiceCollection services)
    {
        // Microsoft.Extensions.Hosting.Systemd 10.0 takes the process for a systemd service only when it is pid 1 with
        // NOTIFY_SOCKET or LISTEN_PID set, or when /proc/<parent>/comm reads "systemd". ProtectProc=invisible hides
        // /proc/1 from a service that does not run as root, and then it sends no READY=1 and a Type=notify unit times
        // out starting (dotnet/runtime#125368; fixed upstream by dotnet/runtime#125520 with SYSTEMD_EXEC_PID, not in
        // 10.0.14). Until then, SYSTEMD_EXEC_PID naming this process gets the same registrations AddSystemd makes, which
        // registers its notifier only when it has recognised systemd.
        services.AddSystemd();
        var detected = services.Any(d => d.ServiceType == typeof(ISystemdNotifier));
        if (!detected && IsExecPid(Environment.GetEnvironmentVariable(ExecPidVariable), Environment.ProcessId))
        {
            services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }

        var interval = SystemdWatchdog.RequestedInterval(Environment.GetEnvironmentVariable, Environment.ProcessId);
        services.AddHostedService(sp => new SystemdWatchdog(
            interval,
            sp.GetService<ISystemdNotifier>(),
            sp.GetRequiredService<MailStore>().ProbeAsync,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SystemdWatchdog>>()));
        return services;
    }

    public static bool IsExecPid(string? value, int processId) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid == processId;
}
