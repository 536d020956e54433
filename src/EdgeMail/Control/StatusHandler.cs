using EdgeMail.Auth.Pairing;
using EdgeMail.Cli;
using EdgeMail.Configuration;
using EdgeMail.Net;
using EdgeMail.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

        // Resolved per request: the listeners are hosted services like the control server itself.
        foreach (var listener in services.GetServices<IHostedService>().OfType<MailListenerService>())
        {
            if (listener.LocalEndPoint is { } bound)
            {
                report.Listening.Add(new ListenerStatus
                {
                    Protocol = listener.Endpoint.Name,
                    Address = bound.Address.ToString(),
                    Port = bound.Port,
                    Tls = listener.Endpoint.TlsMode == TlsMode.Implicit ? "implicit" : "starttls",
                });
            }
        }

        report.Device = services.GetService<EdgeMail.Device.DeviceService>()?.GetStatus();
        return new ControlResponse { Status = report };
    }
}
