namespace EdgeMail.Web;

/// <summary>
/// The web page (section Web). <see cref="Port"/> serves the status view, <c>/ca.crt</c>, autoconfig and a redirect to
/// HTTPS for everything that takes or shows a password; <see cref="TlsPort"/> serves all of it with the box's
/// certificate. Either 0 turns that listener off; both 0 turns the page off. The defaults are unprivileged (above
/// 1024) so that <c>edgemail serve</c> runs as any user; the appliance's firmware-config/edgemail.json sets 80 and 443.
/// </summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    public int Port { get; set; } = 8080;

    public int TlsPort { get; set; } = 8443;

    /// <summary>
    /// The host name mail clients are told to connect to (autoconfig, the Apple profile). Empty: the host name as the
    /// certificate names it, <c>&lt;host&gt;.local</c> (mDNS), unless the page was opened by a name the certificate
    /// holds, which is then used.
    /// </summary>
    public string? MailHostName { get; set; }

    /// <summary>Largest request body (forms, JSON, Autodiscover's XML): 64 KiB, far above any form of the page.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest request line plus headers: 32 KiB, Kestrel's default.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Status pages that follow the server's events at once (each holds one connection): 16.</summary>
    public int MaxEventStreams { get; set; } = 16;

    /// <summary>How long an admin login lasts without use: 30 minutes, as a router's admin page.</summary>
    public TimeSpan AdminIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A connection idle this long is closed (Kestrel's keep-alive timeout): 2 minutes, Kestrel's default.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Connections at once: 64 (a page uses a few; a LAN box has a handful of people).</summary>
    public int MaxConnections { get; set; } = 64;

    public bool Enabled => Port != 0 || TlsPort != 0;

    /// <summary>The first problem of <paramref name="options"/>, naming the key; null when valid.</summary>
    public static string? FirstProblem(WebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port != 0 && options.Port == options.TlsPort)
        {
            return "Web:Port and Web:TlsPort must differ";
        }
        if (options.MaxRequestBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            return "Web:MaxRequestBodyBytes must be between 1024 and 16777216";
        }
        if (options.MaxRequestHeadersBytes is < 4096 or > 1024 * 1024)
        {
            return "Web:MaxRequestHeadersBytes must be between 4096 and 1048576";
        }
        if (options.MaxEventStreams is < 0 or > 1000)
        {
            return "Web:MaxEventStreams must be between 0 and 1000";
        }
        if (options.MaxConnections is < 4 or > 10000)
        {
            return "Web:MaxConnections must be between 4 and 10000";
        }
        if (options.AdminIdleTimeout < TimeSpan.FromMinutes(1) || options.AdminIdleTimeout > TimeSpan.FromDays(1))
        {
            return "Web:AdminIdleTimeout must be between 00:01:00 and 1.00:00:00";
        }
        if (options.KeepAliveTimeout < TimeSpan.FromSeconds(1) || options.KeepAliveTimeout > TimeSpan.FromHours(1))
        {
            return "Web:KeepAliveTimeout must be between 00:00:01 and 01:00:00";
        }
        return options.MailHostName is { Length: > 0 } name && !IsHostName(name)
            ? $"Web:MailHostName '{name}' is not a host name"
            : null;
    }

    internal static bool IsHostName(string name) =>
        name.Length is > 0 and <= 253
        && name.Split('.').All(label => label.Length is > 0 and <= 63
            && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
}
