using EdgeMail.Auth.Pairing;
using EdgeMail.Cli;
using EdgeMail.Configuration;
using EdgeMail.Hosting;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeMail.Control;

/// <summary>`status` on the running service: its real listening sockets, the store's counts, the relay's state.</summary>
internal sealed class StatusHandler(MailStore store, EdgeMailSettings settings, PairingWindow pairing, IServiceProvider services) : IControlHandler
{
    public string Verb => "status";

    public async Task<ControlResponse> HandleAsync(ControlRequest request, CancellationToken cancellationToken)
    {
        var report = StatusReport.FromSettings(settings, store.DataPath);
        report.Running = true;
        await report.AddStoreAsync(store, cancellationToken).ConfigureAwait(false);
        report.AddPairing(pairing);
        if (services.GetService<CertificateProvider>() is { } certificates)
        {
            report.AddCertificates(certificates);
        }

        foreach (var (name, bound, tls) in BoundListeners.Of(services))
        {
            report.Listening.Add(new ListenerStatus { Protocol = name, Address = bound.Address.ToString(), Port = bound.Port, Tls = tls });
        }

        if (services.GetService<EdgeMail.Fetch.FetchService>() is { } fetch)
        {
            report.AddFetchLive(fetch.Live());
        }

        if (services.GetService<EdgeMail.Smtp.Relay.OutboundLimiter>() is { } limiter)
        {
            report.OutboundLimited = limiter.Usage().Where(u => u.Limited).Select(u => u.Sender).ToList();
        }

        report.Device = services.GetService<EdgeMail.Device.DeviceService>()?.GetStatus();
        report.Backup = services.GetService<EdgeMail.Backup.BackupScheduler>()?.Status is { Path: not null } backup ? backup : null;
        return new ControlResponse { Status = report };
    }
}
