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
    private const string Admin = "admin@example.org";
    private const string AdminPassword = "correct horse battery";

    [Fact]
    public async Task Only_the_admin_with_its_own_password_logs_in_and_revoking_a_device_ends_its_imap_logins()
    {
        await using var web = await WebServe.StartAsync();
        await web.OpenWindowAsync();
        using var paired = await web.PairApiAsync(Admin, AdminPassword, "Laptop");
        var appPassword = (await paired.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("appPassword").GetString()!;

        var login = await web.Client.GetStringAsync("/admin");
        var csrf = WebServe.CsrfOf(login);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(web, "/admin/login", ("account", Admin), ("password", AdminPassword))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(web, "/admin/login", ("csrf", csrf), ("account", Admin), ("password", "not the password"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(web, "/admin/login", ("csrf", csrf), ("account", Admin), ("password", appPassword))).StatusCode);

        using var ok = await PostAsync(web, "/admin/login", ("csrf", csrf), ("account", Admin), ("password", AdminPassword));
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
        using (var added = await PostAsync(web, "/admin/accounts/add", ("csrf", csrf), ("account", "bob@example.org"), ("password", "bobs password 1")))
        {
            Assert.True(added.StatusCode == HttpStatusCode.OK, $"{added.StatusCode}: {await added.Content.ReadAsStringAsync()}");
        }
        var (_, users, _) = await web.RunAsync("user", "list");
        Assert.Contains("bob@example.org", users, StringComparison.Ordinal);
        using (var outside = await PostAsync(web, "/admin/accounts/add", ("csrf", csrf), ("account", "eve@elsewhere.test"), ("password", "eves password 1")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
            Assert.Contains("is not one of the local domains", await outside.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // An IMAP session open with the app password, then the device is revoked from the page.
        using var open = new ImapClient();
        await open.ConnectAsync("127.0.0.1", web.Imap, SecureSocketOptions.None);
        await open.AuthenticateAsync(Admin, appPassword);
        using (var revoked = await PostAsync(web, "/admin/devices/revoke", ("csrf", csrf), ("account", Admin), ("device", "Laptop")))
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
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(web, "/admin/login", ("csrf", csrf), ("account", "bob@example.org"), ("password", "bobs password 1"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(web, "/admin/logout", ("csrf", csrf))).StatusCode);
        Assert.Contains("Admin login", await web.Client.GetStringAsync("/admin"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(web, "/admin/queue/retry", ("csrf", csrf))).StatusCode);
    }

    private static Task<HttpResponseMessage> PostAsync(WebServe web, string path, params (string Key, string Value)[] fields) =>
        web.Client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))));
}
