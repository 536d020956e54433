using System.Globalization;
using System.Text;

namespace EdgeMail.Web.Status;

/// <summary>
/// The status view (<c>/</c>): complete without JavaScript (and then reloaded every 30 s); with it, <c>status.js</c>
/// follows <c>/api/events</c> and rewrites each element marked <c>data-bind</c> (a path into the status JSON) and shows or
/// hides each <c>data-show</c> block, so that mail arriving or a pairing window opening shows without a reload.
/// </summary>
internal static class StatusPage
{
    public static string Render(StatusSnapshot s)
    {
        var body = new StringBuilder(4096);
        var healthy = s.Health;
        body.Append("<section class=\"summary\"><h1>")
            .Append("<span data-bind=\"health\">").Append(Html.Text(healthy)).Append("</span></h1>")
            .Append("<p class=\"muted\">EdgeMail <span data-bind=\"version\">").Append(Html.Text(s.Version))
            .Append("</span>, up <span data-bind=\"uptimeSeconds\" data-format=\"duration\">").Append(Html.Duration(s.UptimeSeconds)).Append("</span></p></section>");

        // The pairing window, both states in the page; the script shows the one that applies.
        body.Append("<section class=\"pairing open\" data-show=\"pairing.open\"").Append(s.Pairing.Open ? "" : " hidden").Append('>')
            .Append("<h2>Pairing window open</h2><p><span data-bind=\"pairing.secondsLeft\" data-format=\"countdown\">")
            .Append(s.Pairing.SecondsLeft.ToString(CultureInfo.InvariantCulture)).Append("</span> s left. <a class=\"button\" href=\"/pair\">Pair a device now</a></p></section>");
        body.Append("<section class=\"pairing\" data-show=\"!pairing.open\"").Append(s.Pairing.Open ? " hidden" : "").Append('>')
            .Append("<h2>Pair a phone or laptop</h2><p>Hold the button on the box for 3 seconds (or run <code>edgemail pair</code>), then open <a href=\"/pair\">Pair a device</a>.</p></section>");

        body.Append("<section><h2>Mail</h2><dl>")
            .Append("<dt>Accounts</dt><dd data-bind=\"accounts\">").Append(s.Accounts.ToString(CultureInfo.InvariantCulture)).Append("</dd>")
            .Append("<dt>Outgoing queue</dt><dd><span data-bind=\"queue.queued\">").Append(s.Queue.Queued.ToString(CultureInfo.InvariantCulture))
            .Append("</span> queued, <span data-bind=\"queue.deferred\">").Append(s.Queue.Deferred.ToString(CultureInfo.InvariantCulture)).Append("</span> deferred</dd>")
            .Append("<dt>Mail LED</dt><dd data-bind=\"leds.mail.pattern\">").Append(Html.Text(s.Leds.Mail.Pattern)).Append("</dd>")
            .Append("<dt>Status LED</dt><dd data-bind=\"leds.status.pattern\">").Append(Html.Text(s.Leds.Status.Pattern)).Append("</dd>")
            .Append("</dl></section>");

        if (s.Fetch.Count > 0)
        {
            // Mail pulled from the provider: refreshed with the page (its lines change rarely).
            body.Append("<section><h2>Mail from the provider</h2><table><thead><tr><th>Fetch account</th><th>From</th><th>Fetched</th><th>State</th></tr></thead><tbody>");
            foreach (var f in s.Fetch)
            {
                var state = f.LastError is { } error ? "failing: " + error
                    : f.LastSuccess is { } ok ? "fine, last " + ok.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + "Z"
                    : "not yet fetched";
                body.Append("<tr><td>").Append(Html.Text(f.Name)).Append("</td><td>").Append(Html.Text($"{f.User} at {f.Remote} ({f.Protocol})"))
                    .Append(f.InsecureTls ? " <strong>certificate not checked</strong>" : "")
                    .Append("</td><td>").Append(f.Fetched.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Html.Text(state)).Append("</td></tr>");
            }

            body.Append("</tbody></table></section>");
        }

        body.Append("<section><h2>Storage</h2><dl>")
            .Append("<dt>Used by mail</dt><dd data-bind=\"storage.usedByMailBytes\" data-format=\"bytes\">").Append(Html.Bytes(s.Storage.UsedByMailBytes)).Append("</dd>")
            .Append("<dt>Free</dt><dd data-bind=\"storage.freeBytes\" data-format=\"bytes\">").Append(s.Storage.FreeBytes is { } free ? Html.Bytes(free) : "unknown").Append("</dd>")
            .Append("<dt>Kept free</dt><dd>").Append(Html.Bytes(s.Storage.MinFreeBytes)).Append(" (Storage:MinFreeBytes)</dd>")
            .Append("</dl></section>");

        body.Append("<section><h2>Services</h2><table><thead><tr><th>Service</th><th>Listening on</th></tr></thead><tbody>");
        foreach (var service in s.Services)
        {
            body.Append("<tr><td>").Append(Html.Text(service.Name)).Append("</td><td>");
            if (service.Listeners.Count == 0)
            {
                body.Append("off");
            }
            foreach (var l in service.Listeners)
            {
                body.Append("<span class=\"listener\">").Append(Html.Text(l.Service)).Append(' ')
                    .Append(Html.Text(l.Address.Contains(':', StringComparison.Ordinal) ? $"[{l.Address}]" : l.Address)).Append(':')
                    .Append(l.Port.ToString(CultureInfo.InvariantCulture)).Append(l.Tls == "implicit" ? " (TLS)" : l.Tls == "starttls" ? " (STARTTLS)" : "").Append("</span> ");
            }
            body.Append("</td></tr>");
        }
        body.Append("</tbody></table></section>");

        body.Append("<section><h2>Certificates</h2><dl>");
        if (s.Tls.CaFingerprintSha256 is { } ca)
        {
            body.Append("<dt>Box CA (SHA-256)</dt><dd><code class=\"fingerprint\" data-bind=\"tls.caFingerprintSha256\">").Append(Html.Text(ca))
                .Append("</code><br><a href=\"/ca.crt\">Download the CA certificate</a> (<a href=\"/ca.pem\">PEM</a>)</dd>");
        }
        body.Append("<dt>Server (SHA-256)</dt><dd><code class=\"fingerprint\" data-bind=\"tls.serverFingerprintSha256\">").Append(Html.Text(s.Tls.ServerFingerprintSha256)).Append("</code></dd>")
            .Append("</dl></section>");

        if (s.Device is { } device)
        {
            body.Append("<section><h2>Device</h2><dl>")
                .Append("<dt>GPIO</dt><dd>").Append(Html.Text(device.Driver)).Append(device.Available ? "" : " (unavailable: " + Html.Text(device.UnavailableReason) + ")").Append("</dd>");
            if (device.BoardModel is { } model)
            {
                body.Append("<dt>Board</dt><dd>").Append(Html.Text(model)).Append("</dd>");
            }
            if (device.SocTemperatureCelsius is { } celsius)
            {
                body.Append("<dt>SoC temperature</dt><dd>").Append(celsius.ToString("0.0", CultureInfo.InvariantCulture)).Append(" °C</dd>");
            }
            if (device.Throttling is { Count: > 0 } flags)
            {
                body.Append("<dt>Throttling</dt><dd>").Append(Html.Text(string.Join(", ", flags))).Append("</dd>");
            }
            body.Append("</dl></section>");
        }

        return Html.Page("EdgeMail", body.ToString(), "status.js", refreshSeconds: 30);
    }
}
