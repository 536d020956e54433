using System.Net;

namespace EdgeMail.Web.Autoconfig;

/// <summary>The host name mail clients are told to connect to.</summary>
internal static class MailHostName
{
    /// <summary>
    /// Web:MailHostName when set; else the name the page was asked by (the Host header), when it is a DNS name a client
    /// can reach the box by; else <c>&lt;machine&gt;.local</c> (mDNS; a machine name that already has a dot is kept
    /// as it is, as the certificate names it). Not taken from the Host header: IP literals (addresses change, and
    /// the certificate names no address a client should pin), <c>localhost</c> (it would send a phone to itself), and
    /// the <c>autoconfig.</c> and <c>autodiscover.</c> names clients ask the documents at, which are not the mail host.
    /// </summary>
    public static string Resolve(string? configured, string? requestHost, string machineHostName)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().TrimEnd('.').ToLowerInvariant();
        }

        if (FromRequest(requestHost) is { } fromRequest)
        {
            return fromRequest;
        }

        var machine = machineHostName.Trim().TrimEnd('.').ToLowerInvariant();
        if (machine.Length == 0 || !WebOptions.IsHostName(machine))
        {
            machine = "edgemail";
        }
        return machine.Contains('.', StringComparison.Ordinal) ? machine : machine + ".local";
    }

    private static string? FromRequest(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        // HostString.Host has no port; an IPv6 literal keeps its brackets.
        var name = host.TrimEnd('.').ToLowerInvariant();
        if (name.StartsWith('[') || IPAddress.TryParse(name, out _) || !WebOptions.IsHostName(name))
        {
            return null;
        }

        // An all-numeric last label is no DNS name a client resolves ("10.1", which IPAddress also parses, or "1.2.3.999").
        var last = name[(name.LastIndexOf('.') + 1)..];
        if (last.All(char.IsAsciiDigit))
        {
            return null;
        }

        if (name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal)
            || name.StartsWith("autoconfig.", StringComparison.Ordinal) || name.StartsWith("autodiscover.", StringComparison.Ordinal))
        {
            return null;
        }

        return name;
    }
}
