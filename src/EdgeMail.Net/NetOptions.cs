using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;

namespace EdgeMail.Net;

/// <summary>Options of the network layer, bound from the "Network" configuration section.</summary>
public sealed class NetOptions : IValidatableObject
{
    public const string SectionName = "Network";

    /// <summary>
    /// Comma-separated IP addresses to listen on. "0.0.0.0" is every IPv4 address, "::" every IPv6 address
    /// (IPv6 only), "*" both. The default keeps a fresh install off the network until it is configured.
    /// </summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>
    /// Connections open at once across all endpoints. Matches Dovecot's default_client_limit (1000), and
    /// stays well within a Raspberry Pi's memory: an idle connection holds no pipe buffer.
    /// </summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>
    /// Connections open at once from one client address (an IPv6 /64 counts as one address). Between Dovecot's
    /// mail_max_userip_connections (10, per user and protocol) and Postfix's smtpd_client_connection_count_limit
    /// (50): a home NAT with four devices, each with a client caching five IMAP connections (Thunderbird's
    /// default), needs 20.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 20;

    /// <summary>
    /// Loopback clients are held to <see cref="MaxConnections"/> only, as Postfix exempts mynetworks
    /// (smtpd_client_event_limit_exceptions): they are processes on the appliance itself (sendmail from cron,
    /// scripts), which open a connection per message and reconnect before the last one is counted out.
    /// </summary>
    public bool LoopbackExemptFromAddressLimit { get; set; } = true;

    /// <summary>
    /// Time allowed for a TLS handshake (implicit TLS or STARTTLS). Kestrel's default is 10s, tuned for browsers;
    /// Postfix allows up to 300s (smtpd_starttls_timeout). 30s lets a phone on a poor mobile link finish, while a
    /// client that stalls mid-handshake loses its connection slot soon.
    /// </summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// On shutdown, how long open connections get to finish their current command and say goodbye before they
    /// are aborted. Kept well under the host's default ShutdownTimeout (30s) and systemd's TimeoutStopSec (90s).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Acknowledge what a client sent as soon as it is read (Linux TCP_QUICKACK after each read) rather than after
    /// the kernel's delayed-ACK timer (up to 40 ms). A client with Nagle's algorithm on, as most are, holds each
    /// small write until the previous one is acknowledged, so an IMAP APPEND (literal, then its CRLF) otherwise
    /// waits out that timer every time. On, as in Dovecot, which sets TCP_QUICKACK after each read. Linux only.
    /// </summary>
    public bool TcpQuickAck { get; set; } = true;

    /// <summary>
    /// Longest a write may wait for the client to take data; then the connection is dropped (a reset: a client that
    /// reads nothing cannot be told why). A client that pipelines commands and never reads their answers would
    /// otherwise hold its slot for good, since every timeout of the protocols waits on the client's input. 5 minutes,
    /// as Dovecot's CLIENT_OUTPUT_TIMEOUT_MSECS and RFC 5321 §4.5.3.2.7's server timeout. A waiting write goes on once
    /// the client has taken about half of what the kernel queued for it (at most net.ipv4.tcp_wmem's 4 MiB), so a
    /// slow link keeps its connection from about 7 KiB/s up.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The addresses of <see cref="Bind"/>; throws <see cref="FormatException"/> naming the key.</summary>
    public IReadOnlyList<IPAddress> GetBindAddresses() => ParseBind(Bind);

    /// <summary>
    /// Parses a <see cref="Bind"/> value. "*" becomes 0.0.0.0 and, when the OS has IPv6, "::"; listeners bind
    /// IPv6 sockets as IPv6-only, so the two never collide whatever net.ipv6.bindv6only says.
    /// </summary>
    public static IReadOnlyList<IPAddress> ParseBind(string? value)
    {
        var result = new List<IPAddress>();
        foreach (var item in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (item == "*")
            {
                Add(result, IPAddress.Any, item);
                if (Socket.OSSupportsIPv6)
                {
                    Add(result, IPAddress.IPv6Any, item);
                }
                continue;
            }

            // IPAddress.TryParse accepts forms such as "1" (0.0.0.1) or "127.1"; insist on dotted quads or IPv6.
            if (!IPAddress.TryParse(item, out var address)
                || (address.AddressFamily == AddressFamily.InterNetwork && item.Count(c => c == '.') != 3)
                || item.Contains('%', StringComparison.Ordinal))
            {
                throw new FormatException(
                    $"Network:Bind: '{item}' is not an IP address (use e.g. 127.0.0.1, ::1, 0.0.0.0, :: or *, separated by commas).");
            }
            Add(result, address, item);
        }

        if (result.Count == 0)
        {
            throw new FormatException("Network:Bind is empty (use e.g. 127.0.0.1, 0.0.0.0 or *).");
        }
        return result;

        static void Add(List<IPAddress> list, IPAddress address, string item)
        {
            if (list.Contains(address))
            {
                throw new FormatException($"Network:Bind: '{item}' repeats the address {address}.");
            }
            list.Add(address);
        }
    }

    // The checks live here rather than in [Range] attributes so that each message names the configuration key:
    // the options source generator's copy of RangeAttribute ignores ErrorMessage and names "NetOptions.X", and
    // [Range(typeof(TimeSpan), ...)] converts its bounds by reflection, which the trimming analyzer flags.
    // NetOptionsValidator ([OptionsValidator]) calls this without reflection.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MaxConnections is < 1 or > 100_000)
        {
            yield return new ValidationResult(
                $"Network:MaxConnections must be between 1 and 100000 (is {MaxConnections}).", [nameof(MaxConnections)]);
        }
        if (MaxConnectionsPerAddress is < 1 or > 100_000)
        {
            yield return new ValidationResult(
                $"Network:MaxConnectionsPerAddress must be between 1 and 100000 (is {MaxConnectionsPerAddress}).", [nameof(MaxConnectionsPerAddress)]);
        }

        string? error = null;
        try
        {
            ParseBind(Bind);
        }
        catch (FormatException ex)
        {
            error = ex.Message;
        }
        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(Bind)]);
        }

        if (TlsHandshakeTimeout < TimeSpan.FromSeconds(1) || TlsHandshakeTimeout > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult(
                $"Network:TlsHandshakeTimeout must be between 00:00:01 and 00:10:00 (is {TlsHandshakeTimeout}).", [nameof(TlsHandshakeTimeout)]);
        }
        if (SendTimeout < TimeSpan.FromSeconds(1) || SendTimeout > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult(
                $"Network:SendTimeout must be between 00:00:01 and 01:00:00 (is {SendTimeout}).", [nameof(SendTimeout)]);
        }
        if (DrainTimeout < TimeSpan.Zero || DrainTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult(
                $"Network:DrainTimeout must be between 00:00:00 and 00:05:00 (is {DrainTimeout}).", [nameof(DrainTimeout)]);
        }
    }
}
