using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Web;

/// <summary>
/// The fetch accounts on the status page and in /api/status: a provider that cannot be reached says so, without the
/// password, and once it has failed for Fetch:AlertAfter the status LED asks for attention (slow blink).
/// </summary>
public sealed class FetchStatusPageTests
{
    [Fact]
    public async Task A_failing_fetch_account_shows_in_api_status_and_on_the_page_without_its_password()
    {
        const string secret = "provider password 7c1";
        await using var web = await WebServe.StartWithUserAsync(WebServe.Admin, WebServe.AdminPassword, "--Fetch:AlertAfter=00:00:01", "--Fetch:FirstRetryDelay=00:00:01");
        var closed = EdgeMailProcess.FreePort();
        var add = await EdgeMailProcess.RunAsync(
            ["fetch", "add", "isp", "--host", "127.0.0.1", "--port", $"{closed}", "--user", "ann@isp.example", "--to", WebServe.Admin, "--password-stdin", "--data", web.DataPath],
            secret + "\n");
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Contains("the running service fetches it at once", add.Stdout, StringComparison.Ordinal);

        JsonElement fetch = default;
        await Eventually.TrueAsync(async () =>
        {
            fetch = (await web.StatusAsync()).GetProperty("fetch")[0];
            return fetch.GetProperty("lastError").ValueKind == JsonValueKind.String;
        }, "the failed attempt shows in /api/status", TimeSpan.FromSeconds(30));

        Assert.Equal("isp", fetch.GetProperty("name").GetString());
        Assert.Equal($"127.0.0.1:{closed}", fetch.GetProperty("remote").GetString());
        Assert.Equal($"{WebServe.Admin}/INBOX", fetch.GetProperty("target").GetString());
        Assert.Equal($"cannot reach 127.0.0.1:{closed} (ConnectionRefused)", fetch.GetProperty("lastError").GetString());
        Assert.Equal(JsonValueKind.String, fetch.GetProperty("nextAttempt").ValueKind);

        var page = await web.Client.GetStringAsync("/");
        Assert.Contains("Mail from the provider", page, StringComparison.Ordinal);
        Assert.Contains($"Needs attention: fetching from 127.0.0.1:{closed} fails", page, StringComparison.Ordinal);
        Assert.Contains("ann@isp.example at 127.0.0.1:", page, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await web.StatusAsync()).GetRawText(), StringComparison.Ordinal);

        // Failing since longer than Fetch:AlertAfter: the status LED's slow blink, for this account by name.
        await Eventually.TrueAsync(async () =>
        {
            var status = await web.StatusAsync();
            return status.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString() == "slow-blink"
                && status.GetProperty("device").GetProperty("attention").EnumerateArray().Any(a => a.GetString() == "fetch-failing:isp");
        }, "the status LED asks for attention", TimeSpan.FromSeconds(30));
    }
}
