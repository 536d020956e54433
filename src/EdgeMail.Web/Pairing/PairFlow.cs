using System.Globalization;
using EdgeMail.Auth.Pairing;
using EdgeMail.Store;
using EdgeMail.Store.Accounts;
using EdgeMail.Web.Autoconfig;
using EdgeMail.Web.Hosting;
using EdgeMail.Web.Status;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web.Pairing;

/// <summary>
/// Pairing as the page and <c>POST /api/pair</c> do it, one code for both: the request goes to Auth's
/// <see cref="PairingService"/> (the window, the throttle, the first account), and a success gets the settings to show
/// and a one-time phone link. A phone that redeems the link gets an app password of its own, through the same
/// <see cref="AppPasswords"/> as <c>edgemail device add</c>.
/// </summary>
internal sealed class PairFlow(PairingService pairing, PairingTokens tokens, OneTimeDownloads downloads, MailStore store, IBoxCertificates certificates, WebOptions options, StatusEvents events)
{
    public PairingWindow Window => pairing.Window;

    public async Task<(PairingResult Result, PairAnswer? Answer)> PairAsync(HttpContext context, string address, string password, string deviceName)
    {
        var result = await pairing.PairAsync(new PairingRequest(address.Trim(), password, deviceName, Requests.Remote(context).Address), context.RequestAborted).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (result, null);
        }

        events.Raise();
        var closes = pairing.Window.ClosesAt ?? DateTimeOffset.UtcNow;
        var (token, stateId) = tokens.Issue(result.Account!.Address, closes);
        return (result, Answer(context, result.Account, result.Device!.Name, result.AppPassword!, result.CreatedAccount, PhoneLink(context, token), stateId));
    }

    /// <summary>Whether a phone link can be used now (unused, its window open): the account, or null.</summary>
    public string? Peek(string token) => pairing.Window.IsOpen ? tokens.Peek(token) : null;

    /// <summary>The phone's own app password from a one-time link; a reason when the link or the name cannot be used.</summary>
    public async Task<(string? Refusal, PairAnswer? Answer)> RedeemAsync(HttpContext context, string token, string deviceName)
    {
        if (!AppPasswords.IsValidDeviceName(deviceName, out var nameError))
        {
            return (nameError, null);
        }
        if (!pairing.Window.IsOpen || tokens.Redeem(token) is not { } address)
        {
            return ("this pairing link was used already or its window has closed: pair again from the box's page", null);
        }

        var account = await store.FindAccountAsync(address, context.RequestAborted).ConfigureAwait(false);
        if (account is null)
        {
            return ("the account of this link no longer exists", null);
        }

        try
        {
            var made = await AppPasswords.AddAsync(store, account, deviceName, context.RequestAborted).ConfigureAwait(false);
            events.Raise();
            return (null, Answer(context, made.Account, made.Device.Name, made.Password, createdAccount: false, phoneLink: null, phoneState: null));
        }
        catch (StoreException ex) when (ex.Error is StoreError.AlreadyExists or StoreError.InvalidName)
        {
            tokens.Release(token);
            return (ex.Error == StoreError.AlreadyExists ? $"{account.Address} already has a device named {deviceName.Trim()}: choose another name" : ex.Message, null);
        }
    }

    public string PhoneLinkState(string stateId) => tokens.State(stateId);

    private PairAnswer Answer(HttpContext context, Account account, string deviceName, string password, bool createdAccount, string? phoneLink, string? phoneState)
    {
        // The profile with the password goes into a one-time download: fetched once, then gone, and gone with the window.
        var profile = downloads.Put(ClientSetup.OneTimeAppleProfile(context, account.Address, password), pairing.Window.ClosesAt);
        return new(account.Address, deviceName, password, createdAccount, Settings(context, account.Address), certificates.AuthorityFingerprint, phoneLink, phoneState,
            "/pair/profile/" + profile + "/edgemail.mobileconfig");
    }

    private static MailSettings Settings(HttpContext context, string address)
    {
        var client = ClientSetup.For(context, address);
        var servers = client.Servers.Select(s => new ServerAnswer(
            s.Protocol.ToString().ToLowerInvariant(), s.Port, s.Security == MailSecurity.Tls ? "ssl" : "starttls")).ToList();
        return new MailSettings(client.HostName, address, servers);
    }

    /// <summary>The phone's link: HTTPS on Web:TlsPort at the name clients use (a phone cannot use "localhost").</summary>
    private string PhoneLink(HttpContext context, string token)
    {
        var path = "/p/" + token;
        if (options.TlsPort == 0)
        {
            return $"{context.Request.Scheme}://{context.Request.Host}{path}";
        }

        return Requests.HttpsOrigin(ClientSetup.For(context, null).HostName, options) + path;
    }
}
