using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Tests.Web;

/// <summary>The admin page on the real `serve`: who may log in, CSRF on every form, and its actions doing what the CLI verbs do.</summary>
public sealed partial class AdminPageTests
{
    private const string Admin = WebServe.Admin;
    private const string AdminPassword = WebServe.AdminPassword;

    [Fact]
    public async Task Only_the_admin_with_its_own_password_logs_in_and_revoking_a_device_ends_its_imap_logins()
    {
        await using var web = await WebServe.StartAsync();
        await web.OpenWindowAsync();
        using var paired = await web.PairApiAsync(Admin, AdminPassword, "Laptop");
        var appPassword = (await paired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appPassword").GetString()!;

        var login = await web.Client.GetStringAsync("/admin");
        var csrf = WebServe.CsrfOf(login);
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostFormAsync("/admin/login", ("account", Admin), ("password", AdminPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", "not the password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", appPassword))).StatusCode);

        using var ok = await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword));
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var cookie = web.Cookies.GetCookies(new Uri(web.Client.BaseAddress!, "/admin"))["edgemail-admin"];
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);

        var dashboard = await web.Client.GetStringAsync("/admin");
        Assert.Contains("Logged in as <strong id=\"admin-name\">admin@example.org", dashboard, StringComparison.Ordinal);
        Assert.Contains("data-device=\"Laptop\"", dashboard, StringComparison.Ordinal);

        // The recent log: the service's own lines, and no password that was typed, right or wrong.
        var log = dashboard[dashboard.IndexOf("id=\"log\"", StringComparison.Ordinal)..];
        Assert.Contains("serving data folder", log, StringComparison.Ordinal);
        Assert.Contains("failed", log, StringComparison.OrdinalIgnoreCase);
        foreach (var secret in new[] { "not the password", AdminPassword, appPassword })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        // Add a second account from the page: the CLI sees it, and it is not an admin.
        using (var added = await web.PostFormAsync("/admin/accounts/add", ("csrf", csrf), ("account", "bob@example.org"), ("password", "bobs password 1")))
        {
            Assert.True(added.StatusCode == HttpStatusCode.OK, $"{added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        }
        var (_, users, _) = await web.RunAsync("user", "list");
        Assert.Contains("bob@example.org", users, StringComparison.Ordinal);
        using (var outside = await web.PostFormAsync("/admin/accounts/add", ("csrf", csrf), ("account", "eve@elsewhere.test"), ("password", "eves password 1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
            Assert.Contains("is not one of the local domains", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An IMAP session open with the app password, then the device is revoked from the page.
        using var open = new ImapClient();
        await open.ConnectAsync("127.0.0.1", web.Imap, SecureSocketOptions.None);
        await open.AuthenticateAsync(Admin, appPassword);
        using (var revoked = await web.PostFormAsync("/admin/devices/revoke", ("csrf", csrf), ("account", Admin), ("device", "Laptop")))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            Assert.Contains("revoked Laptop", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var again = new ImapClient())
        {
            await again.ConnectAsync("127.0.0.1", web.Imap, SecureSocketOptions.None);
            await Assert.ThrowsAsync<AuthenticationException>(() => again.AuthenticateAsync(Admin, appPassword));
        }
        await Assert.ThrowsAnyAsync<Exception>(() => open.NoOpAsync());

        // A non-admin cannot log in to the page; after logout the admin's cookie no longer works.
        Assert.Equal(HttpStatusCode.Forbidden, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", "bob@example.org"), ("password", "bobs password 1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/logout", ("csrf", csrf))).StatusCode);
        Assert.Contains("Admin login", await web.Client.GetStringAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.PostFormAsync("/admin/queue/retry", ("csrf", csrf))).StatusCode);
    }

    [Fact]
    public async Task The_test_totp_matches_rfc_6238()
    {
        // RFC 6238 Appendix B, SHA-1, the 20-byte ASCII key "12345678901234567890", 8 digits.
        var key = System.Text.Encoding.ASCII.GetBytes("12345678901234567890");
        Assert.Equal("94287082", TestTotp.Code(key, DateTimeOffset.FromUnixTimeSeconds(59), 8));
        Assert.Equal("07081804", TestTotp.Code(key, DateTimeOffset.FromUnixTimeSeconds(1111111109), 8));
        Assert.Equal("14050471", TestTotp.Code(key, DateTimeOffset.FromUnixTimeSeconds(1111111111), 8));
        Assert.Equal("89005924", TestTotp.Code(key, DateTimeOffset.FromUnixTimeSeconds(1234567890), 8));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_admin_turns_on_totp_from_the_page_and_then_logs_in_only_with_a_code()
    {
        await using var web = await WebServe.StartWithUserAsync(Admin, AdminPassword);
        var csrf = WebServe.CsrfOf(await web.Client.GetStringAsync("/admin"));
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword))).StatusCode);

        using var begin = await web.PostFormAsync("/admin/2fa/begin", ("csrf", csrf));
        var enrol = await begin.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, begin.StatusCode);
        var secret = TotpSecret().Match(enrol).Groups[1].Value;
        var uri = TotpUri().Match(enrol).Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        Assert.StartsWith("otpauth://totp/EdgeMail:", uri, StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, uri, StringComparison.Ordinal);
        Assert.Contains("data:image/png;base64,", enrol, StringComparison.Ordinal);
        var key = TestTotp.Base32(secret);

        // A wrong code keeps it pending; the right one turns it on and shows the recovery codes once.
        using (var wrong = await web.PostFormAsync("/admin/2fa/confirm", ("csrf", csrf), ("secret", secret), ("code", "000000")))
        {
            Assert.Contains("role=\"alert\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var confirm = await web.PostFormAsync("/admin/2fa/confirm", ("csrf", csrf), ("secret", secret), ("code", TestTotp.Code(key, DateTimeOffset.UtcNow, 6)));
        var codesPage = await confirm.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var recovery = RecoveryCode().Matches(codesPage).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(8, recovery.Count);
        var (_, users, _) = await web.RunAsync("user", "list");
        Assert.Contains("2fa on", users, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/logout", ("csrf", csrf))).StatusCode);

        // The password alone is not enough now: the page asks for the code.
        using (var passwordOnly = await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, passwordOnly.StatusCode);
            Assert.Contains("id=\"code\"", await passwordOnly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Contains("Admin login", await web.Client.GetStringAsync("/admin"), StringComparison.Ordinal);

        // The next step's code (the confirmation used this one, and a code counts once; one step of skew is allowed).
        using var withCode = await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword), ("code", TestTotp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30), 6)));
        Assert.Equal(HttpStatusCode.Redirect, withCode.StatusCode);
        Assert.Contains("id=\"admin-name\"", await web.Client.GetStringAsync("/admin"), StringComparison.Ordinal);

        // A recovery code works once in place of the code.
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/logout", ("csrf", csrf))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword), ("code", recovery[0]))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await web.PostFormAsync("/admin/logout", ("csrf", csrf))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await web.PostFormAsync("/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword), ("code", recovery[0]))).StatusCode);
    }

    [GeneratedRegex("id=\"totp-secret\">([A-Z2-7]+)<")]
    private static partial Regex TotpSecret();

    [GeneratedRegex("data-uri=\"([^\"]+)\"")]
    private static partial Regex TotpUri();

    [GeneratedRegex("<li><code>([a-z0-9-]+)</code></li>")]
    private static partial Regex RecoveryCode();
}
