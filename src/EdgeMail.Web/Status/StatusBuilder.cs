using EdgeMail.Auth.Pairing;
using EdgeMail.Device;
using EdgeMail.Store;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Status;

/// <summary>Builds the <see cref="StatusSnapshot"/> from the store, the pairing window, the device layer and the host's adapters.</summary>
internal sealed class StatusBuilder(MailStore store, PairingWindow pairing, DeviceService? device, IBoxInfo box, IBoxCertificates certificates, WebListeners web, TimeProvider time)
{
    public async Task<StatusSnapshot> BuildAsync(bool withPins, CancellationToken cancellationToken)
    {
        var accounts = (await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false)).Count;
        var queue = await store.GetQueueCountsAsync(cancellationToken).ConfigureAwait(false);
        var fetch = await store.ListFetchAccountsAsync(cancellationToken).ConfigureAwait(false);
        var storage = box.GetStorage();
        var left = pairing.TimeLeft;
        var status = device?.GetStatus();
        var now = time.GetUtcNow();
        return new StatusSnapshot(
            box.Version,
            box.StartedAt,
            (long)Math.Max(0, (now - box.StartedAt).TotalSeconds),
            Services(box.GetMailListeners(), web.Current),
            accounts,
            new QueueSnapshot(queue.Messages, queue.Recipients, queue.Deferred, queue.Oldest),
            new StorageSnapshot(storage.MailBytes, storage.FreeBytes, storage.MinFreeBytes, storage.FreeBytes is { } free && free < storage.MinFreeBytes),
            new LedsSnapshot(new LedSnapshot(status?.MailLed.Pattern ?? "off"), new LedSnapshot(status?.StatusLed.Pattern ?? "off")),
            new PairingSnapshot(left > TimeSpan.Zero, (int)Math.Ceiling(left.TotalSeconds), (int)pairing.Length.TotalSeconds),
            new TlsSnapshot(certificates.ServerFingerprint, certificates.AuthorityFingerprint),
            status,
            withPins ? device?.VirtualDriver?.OpenPinLevels() : null,
            [.. fetch.Select(Fetch)]);
    }

    private static FetchSnapshot Fetch(EdgeMail.Store.Fetch.FetchAccount a)
    {
        var state = a.State;
        var failing = state.LastError is not null && (state.LastSuccess is null || state.LastErrorAt > state.LastSuccess);
        return new FetchSnapshot(
            a.Name,
            a.Protocol == EdgeMail.Store.Fetch.FetchProtocol.Imap ? "imap" : "pop3",
            $"{a.Host}:{a.Port}",
            a.User,
            $"{a.AccountAddress}/{a.Mailbox}",
            a.RemoteActionText,
            a.InsecureTls,
            state.LastSuccess,
            failing ? state.LastError : null,
            state.Fetched,
            failing ? state.NextAttempt : null);
    }

    private static List<ServiceStatus> Services(IReadOnlyList<ServiceListener> mail, IReadOnlyList<ServiceListener> page)
    {
        static string Family(string service) => service switch
        {
            "imap" or "imaps" => "imap",
            "pop3" or "pop3s" => "pop3",
            "smtp" or "submission" or "submissions" => "smtp",
            "http" or "https" => "web",
            _ => service,
        };

        var services = new List<ServiceStatus>();
        foreach (var name in new[] { "imap", "pop3", "smtp", "web" })
        {
            services.Add(new ServiceStatus(name, [.. mail.Concat(page).Where(l => Family(l.Service) == name)]));
        }
        return services;
    }
}
