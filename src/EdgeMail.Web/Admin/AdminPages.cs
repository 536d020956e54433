using System.Globalization;
using System.Text;
using EdgeMail.Store.Accounts;
using EdgeMail.Store.Queue;
using Microsoft.AspNetCore.Http;

namespace EdgeMail.Web.Admin;

/// <summary>The HTML of <c>/admin</c>: the login form, and once logged in the accounts with their devices and the relay queue.</summary>
internal static class AdminPages
{
    public static string Login(HttpContext context, string? error = null, string? address = null, bool askCode = false) => Html.Page("Admin · EdgeMail",
        "<section><h1>Admin login</h1><p class=\"muted\">With the admin account's own password (not an app password).</p>"
        + (error is null ? "" : "<p class=\"error\" role=\"alert\">" + Html.Text(error) + "</p>")
        + "<form method=\"post\" action=\"/admin/login\">" + Csrf.Field(context)
        + "<label for=\"account\">Mail address</label><input type=\"email\" id=\"account\" name=\"account\" required autocomplete=\"username\" value=\"" + Html.Attribute(address) + "\">"
        + "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" name=\"password\" required autocomplete=\"current-password\">"
        + (askCode ? "<label for=\"code\">Code from the authenticator app (or a recovery code)</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>" : "")
        + "<div class=\"actions\"><button type=\"submit\">Log in</button></div></form></section>");

    public static string Dashboard(HttpContext context, string admin, IReadOnlyList<(Account Account, IReadOnlyList<AppPassword> Devices)> accounts, IReadOnlyDictionary<long, bool> twoFactor, IReadOnlyList<QueuedMessage> queue, IReadOnlyList<EdgeMail.Web.Hosting.LogLine> log, string? notice, string? error)
    {
        var csrf = Csrf.Field(context);
        var body = new StringBuilder(8192);
        body.Append("<section><h1>Admin</h1><p>Logged in as <strong id=\"admin-name\">").Append(Html.Text(admin)).Append("</strong>.</p>")
            .Append("<form method=\"post\" action=\"/admin/logout\">").Append(csrf).Append("<button class=\"secondary\" type=\"submit\">Log out</button></form>");
        if (notice is not null)
        {
            body.Append("<p class=\"ok\" role=\"status\" id=\"notice\">").Append(Html.Text(notice)).Append("</p>");
        }
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\" id=\"error\">").Append(Html.Text(error)).Append("</p>");
        }
        body.Append("</section>");

        // Two-factor login of the admin accounts (the logged-in admin enrols itself: the secret goes to its phone).
        body.Append("<section><h2>Two-factor login</h2>");
        foreach (var (account, _) in accounts.Where(a => a.Account.IsAdmin || string.Equals(a.Account.Address, admin, StringComparison.OrdinalIgnoreCase)))
        {
            var on = twoFactor.TryGetValue(account.Id, out var enabled) && enabled;
            body.Append("<p id=\"twofactor-state\">").Append(Html.Text(account.Address)).Append(on ? ": on (a code from the authenticator app is asked at each login)." : ": off.").Append("</p>");
            if (on)
            {
                body.Append("<form method=\"post\" action=\"/admin/2fa/disable\">").Append(csrf)
                    .Append("<input type=\"hidden\" name=\"account\" value=\"").Append(Html.Attribute(account.Address)).Append("\">")
                    .Append("<button class=\"danger\" type=\"submit\">Turn off</button></form>");
            }
            else if (string.Equals(account.Address, admin, StringComparison.OrdinalIgnoreCase))
            {
                body.Append("<form method=\"post\" action=\"/admin/2fa/begin\">").Append(csrf).Append("<button type=\"submit\" id=\"twofactor-begin\">Turn on</button></form>");
            }
        }
        body.Append("</section>");

        body.Append("<section><h2>Accounts</h2>");
        foreach (var (account, devices) in accounts)
        {
            body.Append("<div class=\"account\" data-account=\"").Append(Html.Attribute(account.Address)).Append("\"><h3>").Append(Html.Text(account.Address))
                .Append(account.IsAdmin ? " <span class=\"muted\">(admin)</span>" : "").Append("</h3>");
            if (devices.Count == 0)
            {
                body.Append("<p class=\"muted\">No devices paired.</p>");
            }
            else
            {
                body.Append("<table><thead><tr><th>Device</th><th>Paired</th><th>Last used</th><th></th></tr></thead><tbody>");
                foreach (var device in devices)
                {
                    body.Append("<tr data-device=\"").Append(Html.Attribute(device.Name)).Append("\"><td>").Append(Html.Text(device.Name)).Append("</td><td>")
                        .Append(Date(device.Created)).Append("</td><td>")
                        .Append(device.LastUsed is { } used ? Date(used) + (device.LastUsedFrom is { } from ? " from " + Html.Text(from) : "") : "never").Append("</td><td>")
                        .Append("<form method=\"post\" action=\"/admin/devices/revoke\">").Append(csrf)
                        .Append("<input type=\"hidden\" name=\"account\" value=\"").Append(Html.Attribute(account.Address)).Append("\">")
                        .Append("<input type=\"hidden\" name=\"device\" value=\"").Append(Html.Attribute(device.Name)).Append("\">")
                        .Append("<button class=\"danger\" type=\"submit\">Revoke</button></form></td></tr>");
                }
                body.Append("</tbody></table>");
            }
            body.Append("<details><summary>Reset password or remove</summary>")
                .Append("<form method=\"post\" action=\"/admin/accounts/password\">").Append(csrf)
                .Append("<input type=\"hidden\" name=\"account\" value=\"").Append(Html.Attribute(account.Address)).Append("\">")
                .Append("<label>New password</label><input type=\"password\" name=\"password\" required autocomplete=\"new-password\">")
                .Append("<div class=\"actions\"><button type=\"submit\">Set password</button></div></form>");
            if (!account.IsAdmin)
            {
                body.Append("<form method=\"post\" action=\"/admin/accounts/remove\">").Append(csrf)
                    .Append("<input type=\"hidden\" name=\"account\" value=\"").Append(Html.Attribute(account.Address)).Append("\">")
                    .Append("<div class=\"actions\"><button class=\"danger\" type=\"submit\">Remove the account and its mail</button></div></form>");
            }
            body.Append("</details></div>");
        }
        body.Append("<h3>Add an account</h3><form method=\"post\" action=\"/admin/accounts/add\">").Append(csrf)
            .Append("<label for=\"new-account\">Mail address</label><input type=\"email\" id=\"new-account\" name=\"account\" required>")
            .Append("<label for=\"new-password\">Password</label><input type=\"password\" id=\"new-password\" name=\"password\" required autocomplete=\"new-password\">")
            .Append("<div class=\"actions\"><button type=\"submit\">Add</button></div></form></section>");

        body.Append("<section><h2>Outgoing queue</h2>");
        if (queue.Count == 0)
        {
            body.Append("<p class=\"muted\" id=\"queue-empty\">Empty: all mail has left.</p>");
        }
        else
        {
            body.Append("<form method=\"post\" action=\"/admin/queue/retry\">").Append(csrf).Append("<button type=\"submit\">Retry all now</button></form>")
                .Append("<table><thead><tr><th>From</th><th>To</th><th>Queued</th><th></th></tr></thead><tbody>");
            foreach (var message in queue)
            {
                body.Append("<tr data-queue-id=\"").Append(message.Id.ToString(CultureInfo.InvariantCulture)).Append("\"><td>").Append(Html.Text(message.Sender.Length == 0 ? "<>" : message.Sender)).Append("</td><td>")
                    .Append(Html.Text(string.Join(", ", message.Recipients.Select(r => r.Address)))).Append("</td><td>").Append(Date(message.Created)).Append("</td><td>")
                    .Append("<form method=\"post\" action=\"/admin/queue/delete\">").Append(csrf)
                    .Append("<input type=\"hidden\" name=\"id\" value=\"").Append(message.Id.ToString(CultureInfo.InvariantCulture)).Append("\">")
                    .Append("<button class=\"danger\" type=\"submit\">Delete</button></form></td></tr>");
            }
            body.Append("</tbody></table>");
        }
        body.Append("</section>");

        body.Append("<section><h2>Recent log</h2><details><summary>The last ").Append(log.Count.ToString(CultureInfo.InvariantCulture)).Append(" lines</summary><pre class=\"log\" id=\"log\">");
        foreach (var line in log.Reverse())
        {
            body.Append(Html.Text(line.At.ToUniversalTime().ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(' ').Append(Html.Text(line.Level)).Append(' ')
                .Append(Html.Text(line.Category.StartsWith("EdgeMail.", StringComparison.Ordinal) ? line.Category["EdgeMail.".Length..] : line.Category)).Append(": ").Append(Html.Text(line.Message)).Append('\n');
        }
        body.Append("</pre></details></section>");
        return Html.Page("Admin · EdgeMail", body.ToString());
    }

    /// <summary>Enrolment: the QR code of the otpauth URI (and the secret to type), and the form that confirms it with a code.</summary>
    public static string TwoFactorEnrol(HttpContext context, string secret, string uri, string? error) => Html.Page("Two-factor login · EdgeMail",
        "<section><h1>Turn on two-factor login</h1><p>Scan this code with an authenticator app (any TOTP app: Aegis, FreeOTP, Google Authenticator, 1Password...), or type the key.</p>"
        + "<p class=\"qr\"><img id=\"totp-qr\" alt=\"QR code of the authenticator key\" src=\"" + Pairing.QrImage.DataUrl(uri) + "\" data-uri=\"" + Html.Attribute(uri) + "\"></p>"
        + "<p>Key: <code id=\"totp-secret\">" + Html.Text(secret) + "</code></p>"
        + (error is null ? "" : "<p class=\"error\" role=\"alert\">" + Html.Text(error) + "</p>")
        + "<form method=\"post\" action=\"/admin/2fa/confirm\">" + Csrf.Field(context)
        + "<input type=\"hidden\" name=\"secret\" value=\"" + Html.Attribute(secret) + "\">"
        + "<label for=\"code\">The 6-digit code the app shows now</label><input type=\"text\" id=\"code\" name=\"code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>"
        + "<div class=\"actions\"><button type=\"submit\">Turn on</button></div></form></section>");

    /// <summary>The recovery codes, shown once when two-factor is turned on.</summary>
    public static string RecoveryCodes(IReadOnlyList<string> codes) => Html.Page("Recovery codes · EdgeMail",
        "<section><h1>Two-factor login is on</h1><p>Keep these recovery codes somewhere safe: each logs in once without the phone. They are shown only now.</p><ul id=\"recovery-codes\">"
        + string.Concat(codes.Select(c => "<li><code>" + Html.Text(c) + "</code></li>"))
        + "</ul><p>Lost the phone and the codes? On the box: <code>edgemail user 2fa disable ADDRESS</code>.</p><p><a href=\"/admin\">Back to admin</a></p></section>");

    private static string Date(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
