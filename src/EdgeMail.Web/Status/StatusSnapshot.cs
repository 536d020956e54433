using EdgeMail.Device;
using EdgeMail.Web.Hosting;

namespace EdgeMail.Web.Status;

/// <summary>
/// <c>GET /api/status</c> and what the status view shows: plain values, serialized by <see cref="WebJsonContext"/>
/// (camelCase). <see cref="Pins"/> is there only for the loopback test hook (the Virtual driver, from loopback).
/// </summary>
public sealed record StatusSnapshot(
    string Version,
    DateTimeOffset StartedAt,
    long UptimeSeconds,
    IReadOnlyList<ServiceStatus> Services,
    int Accounts,
    QueueSnapshot Queue,
    StorageSnapshot Storage,
    LedsSnapshot Leds,
    PairingSnapshot Pairing,
    TlsSnapshot Tls,
    DeviceStatus? Device,
    IReadOnlyDictionary<int, int>? Pins,
    IReadOnlyList<FetchSnapshot> Fetch)
{
    /// <summary>One line for the page's header, from the same facts as the status LED.</summary>
    public string Health =>
        Leds.Status.Pattern == "error" ? "Needs attention: storage"
        : Storage.Low ? "Needs attention: disk almost full"
        : Fetch.FirstOrDefault(f => f.LastError is not null) is { } failing ? $"Needs attention: fetching from {failing.Remote} fails"
        : Queue.Deferred > 0 ? "Healthy, outgoing mail waiting"
        : Accounts == 0 ? "Ready: pair the first device"
        : "Healthy";
}

/// <summary>
/// A fetch account (mail pulled from a provider): where from and to, the last success, the last error when it is
/// newer than that, the messages fetched, the next attempt after a failure. Never the password.
/// </summary>
public sealed record FetchSnapshot(
    string Name,
    string Protocol,
    string Remote,
    string User,
    string Target,
    string RemoteAction,
    bool InsecureTls,
    DateTimeOffset? LastSuccess,
    string? LastError,
    long Fetched,
    DateTimeOffset? NextAttempt);

/// <summary>One service (imap, pop3, smtp, web) and the sockets it listens on (empty: off).</summary>
public sealed record ServiceStatus(string Name, IReadOnlyList<ServiceListener> Listeners);

/// <summary>The relay queue: messages queued, recipients still to send, of those deferred (retried), the oldest message's acceptance.</summary>
public sealed record QueueSnapshot(int Queued, int Recipients, int Deferred, DateTimeOffset? Oldest);

/// <summary>Bytes used by mail, free on the device (null: unknown), Storage:MinFreeBytes, and whether free space is below it.</summary>
public sealed record StorageSnapshot(long UsedByMailBytes, long? FreeBytes, long MinFreeBytes, bool Low);

/// <summary>The pattern each LED shows (<c>off</c>, <c>on</c>, <c>slow-blink</c>, <c>fast-blink</c>, <c>double-blink</c>, <c>error</c>, <c>blink-once</c>).</summary>
public sealed record LedsSnapshot(LedSnapshot Mail, LedSnapshot Status);

public sealed record LedSnapshot(string Pattern);

/// <summary>The pairing window: open, seconds left (rounded up), its length.</summary>
public sealed record PairingSnapshot(bool Open, int SecondsLeft, int WindowSeconds);

/// <summary>SHA-256 fingerprints of the server certificate and of the box's CA (null with a configured certificate).</summary>
public sealed record TlsSnapshot(string ServerFingerprintSha256, string? CaFingerprintSha256);
