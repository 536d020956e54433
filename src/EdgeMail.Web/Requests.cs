using System.Net;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web;

/// <summary>Where a request came from and how: the rules the page's security rests on.</summary>
internal static class Requests
{
    /// <summary>The request came from this box (127.0.0.0/8, ::1, or an IPv4-mapped loopback).</summary>
    public static bool IsLoopback(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address
        && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// Whether a password may be taken or shown on this request: over HTTPS, or from loopback (where nothing crosses a
    /// wire). Plain HTTP from the LAN gets the status view, <c>/ca.crt</c>, autoconfig and a redirect.
    /// </summary>
    public static bool MaySeePasswords(HttpContext context) => context.Request.IsHttps || IsLoopback(context);

    /// <summary>The remote endpoint for the login throttle (the address matters; a missing one counts as loopback).</summary>
    public static IPEndPoint Remote(HttpContext context) =>
        new(context.Connection.RemoteIpAddress ?? IPAddress.Loopback, context.Connection.RemotePort);

    /// <summary>The same path on the HTTPS port, for a redirect from plain HTTP; null when Web:TlsPort is 0.</summary>
    public static string? HttpsUrl(HttpContext context, WebOptions options)
    {
        var host = context.Request.Host.Host;
        if (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('['))
        {
            host = $"[{host}]";
        }
        return options.TlsPort == 0 ? null : $"{HttpsOrigin(host, options)}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
    }

    /// <summary><c>https://HOST</c> on Web:TlsPort, the port left out when it is 443.</summary>
    public static string HttpsOrigin(string host, WebOptions options) =>
        options.TlsPort == 443 ? $"https://{host}" : $"https://{host}:{options.TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
