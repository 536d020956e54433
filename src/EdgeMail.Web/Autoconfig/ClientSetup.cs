using System.Net;
using EdgeMail.Web.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeMail.Web.Autoconfig;

/// <summary>
/// Client auto-configuration as the rest of the page uses it (the pairing answer): the settings for a request and an
/// address, the one-time Apple profile with an app password, and the links to the documents anyone may fetch again.
/// Everything is read from the live configuration on each call (Web:MailHostName, the mail ports, the CA).
/// </summary>
public static class ClientSetup
{
    /// <summary>
    /// The settings a client on <paramref name="context"/>'s side is told for <paramref name="address"/> (null or
    /// invalid: placeholders). The host name follows <see cref="MailHostName.Resolve"/>.
    /// </summary>
    public static MailClientSettings For(HttpContext context, string? address)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var options = services.GetRequiredService<WebOptions>();
        var box = services.GetRequiredService<IBoxInfo>();
        var host = MailHostName.Resolve(options.MailHostName, context.Request.Host.HasValue ? context.Request.Host.Host : null, Dns.GetHostName());
        return new MailClientSettings(host, MailAddressText.Normalize(address), MailClientSettings.DefaultDisplayName, box.Domains, MailClientSettings.ServersOf(box.GetMailPorts()));
    }

    /// <summary>
    /// The Apple profile with <paramref name="appPassword"/> embedded, for the one-time answer of a pairing: never
    /// served at a URL that can be fetched again. Returns the file's bytes (Content-Type
    /// <see cref="AppleProfile.ContentType"/>, a name ending in <c>.mobileconfig</c>).
    /// </summary>
    public static byte[] OneTimeAppleProfile(HttpContext context, string address, string appPassword)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentException.ThrowIfNullOrEmpty(appPassword);
        var settings = For(context, address);
        if (settings.Address is null)
        {
            throw new ArgumentException($"'{address}' is not a mail address", nameof(address));
        }
        return Profile(context, settings, appPassword);
    }

    /// <summary>The Apple profile without a password (the device asks for it on install), as <c>/mail/profile.mobileconfig</c> serves it.</summary>
    public static byte[] AppleProfileWithoutPassword(HttpContext context, string? address) => Profile(context, For(context, address), appPassword: null);

    /// <summary>The documents anyone may fetch for <paramref name="address"/>, as paths on this page (same origin).</summary>
    public static AutoconfigLinks Links(string address)
    {
        var query = "?emailaddress=" + Uri.EscapeDataString(address);
        return new AutoconfigLinks(
            Thunderbird: AutoconfigEndpoints.ThunderbirdPath + query,
            AppleProfile: AutoconfigEndpoints.ProfilePath + query,
            Autodiscover: AutoconfigEndpoints.AutodiscoverPath);
    }

    private static byte[] Profile(HttpContext context, MailClientSettings settings, string? appPassword)
    {
        var certificates = context.RequestServices.GetRequiredService<IBoxCertificates>();
        var authority = certificates.AuthorityDer;
        // The CA's fingerprint is unique to the box; until it has one, its machine name (stable, unlike the server
        // certificate, which is renewed).
        var boxKey = certificates.AuthorityFingerprint ?? Dns.GetHostName();
        return AppleProfile.Write(settings, boxKey, authority, appPassword);
    }
}

/// <summary>
/// Where a client's settings can be fetched: Thunderbird's autoconfig file and the Apple profile without a password
/// (GET), and Autodiscover (POST, Outlook finds it by itself).
/// </summary>
public sealed record AutoconfigLinks(string Thunderbird, string AppleProfile, string Autodiscover);
