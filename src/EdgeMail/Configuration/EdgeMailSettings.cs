using EdgeMail.Imap;
using EdgeMail.Pop3;
using EdgeMail.Smtp;
using EdgeMail.Smtp.Relay;
using EdgeMail.Auth;
using EdgeMail.Auth.Pairing;
using EdgeMail.Control;
using EdgeMail.Device;
using EdgeMail.Net;
using EdgeMail.Store;
using EdgeMail.Web;

namespace EdgeMail.Configuration;

/// <summary>One snapshot of every bound and validated section.</summary>
internal sealed class EdgeMailSettings
{
    public StoreOptions Storage { get; set; } = new();

    public NetOptions Network { get; set; } = new();

    public TlsOptions Tls { get; set; } = new();

    public AuthOptions Auth { get; set; } = new();

    public ImapOptions Imap { get; set; } = new();

    public Pop3Options Pop3 { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    public RelayOptions Relay { get; set; } = new();

    public WebOptions Web { get; set; } = new();

    public EdgeMail.Hosting.MemoryOptions Memory { get; set; } = new();

    public ControlOptions Control { get; set; } = new();

    /// <summary><c>Device</c> without its <c>Pairing</c> subsection: the LEDs, the button, the driver.</summary>
    public DeviceOptions Device { get; set; } = new();

    /// <summary><c>Device:Pairing</c>; the rest of <c>Device</c> belongs to the device layer.</summary>
    public PairingOptions Pairing { get; set; } = new();

    /// <summary>Local mail domains: recipients here are delivered locally.</summary>
    public string[] Domains { get; set; } = ["edgemail.local"];

    public EdgeMail.Backup.BackupOptions Backup { get; set; } = new();

    /// <summary>How fetch accounts are pulled; the accounts themselves are in the store.</summary>
    public EdgeMail.Fetch.FetchOptions Fetch { get; set; } = new();
}
