using EdgeMail.Configuration;
using EdgeMail.Net;
using EdgeMail.Store;

namespace EdgeMail.Cli;

/// <summary>
/// What `status` shows: the running service's own view when it answers on the control channel (what it really
/// listens on), otherwise what the data folder and the configuration say.
/// </summary>
internal sealed class StatusReport
{
    public string DataPath { get; set; } = "";

    /// <summary>Whether a service answered on the control channel; the listeners are its real sockets.</summary>
    public bool Running { get; set; }

    /// <summary>False when the data folder has no database yet (status then creates nothing).</summary>
    public bool StoreExists { get; set; }

    public int Accounts { get; set; }

    public QueueStatus Queue { get; set; } = new();

    public string[] Domains { get; set; } = [];

    /// <summary>The server certificate's fingerprint; kept beside <see cref="Tls"/> for scripts that read it.</summary>
    public string? TlsFingerprintSha256 { get; set; }

    public TlsStatus Tls { get; set; } = new();

    public string Bind { get; set; } = "";

    /// <summary>The configured port of each protocol that serve runs (0 is off).</summary>
    public Dictionary<string, int> Ports { get; set; } = [];

    /// <summary>The sockets the running service has bound; empty when no service runs.</summary>
    public List<ListenerStatus> Listening { get; set; } = [];

    /// <summary>The upstream that outside mail goes through (host:port), or null when none is configured.</summary>
    public string? Relay { get; set; }

    /// <summary>Whether mail to other domains can leave: false without Relay:Host.</summary>
    public bool OutboundPossible { get; set; }

    /// <summary>Relay:MaxMessagesPerHour (0: no limit).</summary>
    public int OutboundLimitPerHour { get; set; }

    /// <summary>The senders held back by Relay:MaxMessagesPerHour now (from the running service).</summary>
    public List<string> OutboundLimited { get; set; } = [];

    /// <summary>The pairing window of the running service; closed when no service runs (the window lives in it).</summary>
    public PairingStatus Pairing { get; set; } = new();

    /// <summary>The parts that come from the configuration and the data folder, without the store's counts.</summary>
    /// <summary>The LEDs, the button and the board, from the running service (null when it is not running).</summary>
    public EdgeMail.Device.DeviceStatus? Device { get; set; }

    /// <summary>The scheduled backup of the running service (null when none is configured or no service runs).</summary>
    public EdgeMail.Backup.BackupStatus? Backup { get; set; }

    /// <summary>The fetch accounts (mail pulled from a provider) and how each goes.</summary>
    public List<FetchStatus> Fetch { get; set; } = [];

    public static StatusReport FromSettings(EdgeMailSettings settings, string dataPath) => new()
    {
        DataPath = dataPath,
        Domains = settings.Domains,
        TlsFingerprintSha256 = CertificateProvider.ReadFingerprint(settings.Tls, dataPath),
        Tls = new TlsStatus
        {
            FingerprintSha256 = CertificateProvider.ReadFingerprint(settings.Tls, dataPath),
            CaFingerprintSha256 = CertificateProvider.ReadAuthorityFingerprint(settings.Tls, dataPath),
            Configured = !string.IsNullOrWhiteSpace(settings.Tls.CertificatePath),
        },
        Bind = settings.Network.Bind,
        Ports = new Dictionary<string, int>
        {
            ["imap"] = settings.Imap.Port,
            ["imaps"] = settings.Imap.TlsPort,
            ["pop3"] = settings.Pop3.Port,
            ["pop3s"] = settings.Pop3.TlsPort,
            ["smtp"] = settings.Smtp.Port,
            ["submission"] = settings.Smtp.SubmissionPort,
            ["submissions"] = settings.Smtp.TlsPort,
        },
        Relay = settings.Relay.IsConfigured ? $"{settings.Relay.Host}:{settings.Relay.Port}" : null,
        OutboundPossible = settings.Relay.IsConfigured,
        OutboundLimitPerHour = settings.Relay.MaxMessagesPerHour,
        Pairing = new PairingStatus { WindowSeconds = (int)settings.Pairing.Window.TotalSeconds },
    };

    /// <summary>The running service's window: open, and the seconds left rounded up (an open window never shows 0).</summary>
    public void AddPairing(EdgeMail.Auth.Pairing.PairingWindow window)
    {
        var left = window.TimeLeft;
        Pairing = new PairingStatus
        {
            Open = left > TimeSpan.Zero,
            SecondsLeft = (int)Math.Ceiling(left.TotalSeconds),
            WindowSeconds = (int)window.Length.TotalSeconds,
        };
    }

    /// <summary>The running service's connections to the providers.</summary>
    public void AddFetchLive(IReadOnlyList<EdgeMail.Fetch.FetchLiveState> live)
    {
        foreach (var state in live)
        {
            if (Fetch.Find(f => f.Name == state.Name) is { } fetch)
            {
                fetch.Connected = state.Connected;
                fetch.Idling = state.Idling;
            }
        }
    }

    /// <summary>The running service's certificates, as it serves them now (a renewal may be newer than a file read).</summary>
    public void AddCertificates(CertificateProvider certificates)
    {
        TlsFingerprintSha256 = certificates.Sha256Fingerprint;
        Tls = new TlsStatus
        {
            FingerprintSha256 = certificates.Sha256Fingerprint,
            CaFingerprintSha256 = certificates.AuthoritySha256Fingerprint,
            Configured = !certificates.IsGenerated,
        };
    }

    /// <summary>Adds the accounts and queue counts of an open store.</summary>
    public async Task AddStoreAsync(MailStore store, CancellationToken cancellationToken)
    {
        var accounts = await store.ListAccountsAsync(cancellationToken).ConfigureAwait(false);
        var queue = await store.GetQueueCountsAsync(cancellationToken).ConfigureAwait(false);
        StoreExists = true;
        Accounts = accounts.Count;
        Fetch = (await store.ListFetchAccountsAsync(cancellationToken).ConfigureAwait(false)).Select(FetchStatus.From).ToList();
        Queue = new QueueStatus { Messages = queue.Messages, Recipients = queue.Recipients, Deferred = queue.Deferred };
    }
}
