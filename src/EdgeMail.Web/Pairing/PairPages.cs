using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web.Pairing;

/// <summary>The HTML of <c>/pair</c>, its answer, and the phone's page behind a one-time link.</summary>
internal static class PairPages
{
    public static string Closed(TimeSpan window) => Html.Page("Pair a device · EdgeMail",
        "<section><h1>Pair a device</h1><p data-pairing-wait>No pairing window is open. Hold the button on the box for 3 seconds "
        + "(or run <code>edgemail pair</code> on it): the status light blinks fast while the window is open, for "
        + window.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " seconds.</p>"
        + "<p class=\"muted\">This page follows the box: it shows the form as soon as the window opens.</p></section>",
        "pair.js");

    public static string Form(HttpContext context, TimeSpan left, bool firstAccount, IReadOnlyList<string> domains, string? error = null, string? address = null, string? device = null)
    {
        var body = new StringBuilder(2048);
        body.Append("<section><h1>Pair a device</h1>")
            .Append("<p>The pairing window is open for <span data-countdown=\"").Append(((int)Math.Ceiling(left.TotalSeconds)).ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append(((int)Math.Ceiling(left.TotalSeconds)).ToString(CultureInfo.InvariantCulture)).Append("</span> more seconds.</p>");
        if (firstAccount)
        {
            body.Append("<p><strong>This box has no account yet.</strong> The account you create here is the first one, and the box's admin.");
            if (domains.Count > 0)
            {
                body.Append(" Its address must end in ").Append(Html.Text(string.Join(" or ", domains.Select(d => "@" + d)))).Append('.');
            }
            body.Append("</p>");
        }
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(Html.Text(error)).Append("</p>");
        }
        body.Append("<form method=\"post\" action=\"/pair\">").Append(Csrf.Field(context))
            .Append("<label for=\"account\">Mail address</label><input type=\"email\" id=\"account\" name=\"account\" required autocomplete=\"username\" value=\"").Append(Html.Attribute(address)).Append("\">")
            .Append("<label for=\"password\">").Append(firstAccount ? "Choose its password" : "Its password (the account's own, not an app password)").Append("</label>")
            .Append("<input type=\"password\" id=\"password\" name=\"password\" required autocomplete=\"").Append(firstAccount ? "new-password" : "current-password").Append("\">")
            .Append("<label for=\"device\">Name of the device (for example \"Anna's phone\")</label><input type=\"text\" id=\"device\" name=\"device\" required maxlength=\"64\" value=\"").Append(Html.Attribute(device)).Append("\">")
            .Append("<div class=\"actions\"><button type=\"submit\">Pair</button></div></form></section>");
        return Html.Page("Pair a device · EdgeMail", body.ToString(), "pair.js");
    }

    public static string Answer(PairAnswer answer, bool phone)
    {
        var body = new StringBuilder(8192);
        body.Append("<section><h1>").Append(answer.CreatedAccount ? "Account created and device paired" : "Device paired").Append("</h1>")
            .Append("<p><strong data-answer=\"device\">").Append(Html.Text(answer.DeviceName)).Append("</strong> can now read and send the mail of <strong data-answer=\"account\">")
            .Append(Html.Text(answer.Account)).Append("</strong> with this password of its own:</p>")
            .Append("<p><span class=\"secret\" id=\"app-password\">").Append(Html.Text(answer.AppPassword)).Append("</span></p>")
            .Append("<p class=\"muted\">It is shown only now. Type it into the mail app as the password; it can be revoked on its own at any time, and the account's password stays yours.</p></section>");

        body.Append("<section><h2>Mail app settings</h2><dl><dt>Server</dt><dd id=\"mail-host\">").Append(Html.Text(answer.Settings.HostName)).Append("</dd>")
            .Append("<dt>User name</dt><dd>").Append(Html.Text(answer.Settings.UserName)).Append("</dd>");
        foreach (var server in answer.Settings.Servers)
        {
            body.Append("<dt>").Append(server.Protocol switch { "imap" => "IMAP", "pop3" => "POP3", _ => "SMTP (sending)" }).Append("</dt><dd>port ")
                .Append(server.Port.ToString(CultureInfo.InvariantCulture)).Append(server.Security == "ssl" ? ", SSL/TLS" : ", STARTTLS").Append("</dd>");
        }
        body.Append("</dl><p>Thunderbird and Outlook find these settings by themselves from the mail address.");
        if (answer.AppleProfileLink is { } profile)
        {
            body.Append(" On an iPhone, iPad or Mac: <a id=\"apple-profile\" href=\"").Append(Html.Attribute(profile))
                .Append("\">download the profile</a>, which sets up the account with this password and trusts the box's CA (it can be downloaded once).");
        }
        body.Append("</p></section>");

        if (!phone && answer.PhoneLink is { } link)
        {
            body.Append("<section class=\"qr\"><h2>A phone too?</h2><p>Scan this code with the phone's camera: it gets its own password and settings. The code works once, while the pairing window is open.</p>")
                .Append("<img id=\"phone-qr\" alt=\"QR code of the phone's pairing link\" src=\"").Append(QrImage.DataUrl(link)).Append("\" data-link=\"").Append(Html.Attribute(link)).Append("\">")
                .Append("<p class=\"muted\" id=\"phone-link-state\" data-state-url=\"/api/pair/link/").Append(Html.Attribute(answer.PhoneLinkState)).Append("\">Waiting for the phone…</p></section>");
        }

        body.Append("<section><h2>No certificate warning</h2>");
        if (answer.CaFingerprintSha256 is { } ca)
        {
            body.Append("<p>The box signs its own certificates. Install its certificate authority once per device, and mail apps connect without warnings: ")
                .Append("<a href=\"/ca.crt\">download the CA certificate</a>. Its SHA-256 fingerprint, to compare:</p><p><code class=\"fingerprint\" id=\"ca-fingerprint\">").Append(Html.Text(ca)).Append("</code></p>")
                .Append("<ol class=\"steps\"><li><strong>iPhone, iPad</strong>: open the downloaded profile in Settings › General › VPN &amp; Device Management, install it, then turn on full trust in Settings › General › About › Certificate Trust Settings.</li>")
                .Append("<li><strong>Android</strong>: Gmail and the phone's own mail apps ignore user-installed CAs; apps such as K-9 Mail / Thunderbird for Android show the fingerprint on the first connection: accept it if it matches.</li>")
                .Append("<li><strong>Thunderbird</strong>: Settings › Privacy &amp; Security › Certificates › Manage Certificates › Authorities › Import, and trust it for websites and mail.</li>")
                .Append("<li><strong>Windows, macOS</strong>: open the file and add it to the trusted root authorities (macOS: Keychain Access, set \"Always Trust\").</li></ol>");
        }
        else
        {
            body.Append("<p>The box uses a configured certificate (Tls:CertificatePath); mail apps trust it as they trust its issuer.</p>");
        }
        body.Append("</section>");
        return Html.Page("Paired · EdgeMail", body.ToString(), "pair.js");
    }

    public static string Phone(HttpContext context, string token, string account, string? error = null) => Html.Page("Set up this device · EdgeMail",
        "<section><h1>Set up this device</h1><p>This gives this device its own password for <strong>" + Html.Text(account) + "</strong>.</p>"
        + (error is null ? "" : "<p class=\"error\" role=\"alert\">" + Html.Text(error) + "</p>")
        + "<form method=\"post\" action=\"/p/" + Html.Attribute(token) + "\">" + Csrf.Field(context)
        + "<label for=\"device\">Name of this device</label><input type=\"text\" id=\"device\" name=\"device\" required maxlength=\"64\" value=\"Phone\">"
        + "<div class=\"actions\"><button type=\"submit\">Get my password</button></div></form></section>");

    public static string Message(string title, string text, int status = StatusCodes.Status200OK) => Html.Page(title + " · EdgeMail",
        "<section><h1>" + Html.Text(title) + "</h1><p" + (status >= 400 ? " class=\"error\" role=\"alert\"" : "") + ">" + Html.Text(text) + "</p><p><a href=\"/\">Back to the status page</a></p></section>");
}
