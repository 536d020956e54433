using System.Globalization;
using System.Text.RegularExpressions;
using EdgeMail.Browser.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace EdgeMail.Browser.Tests.Status;

/// <summary>The status view with JavaScript off: complete as served, every field there, the pairing state shown by the server.</summary>
public sealed class StatusPageTests(WebBox box) : IClassFixture<WebBox>
{
    [Fact]
    public async Task Status_page_is_complete_with_JavaScript_off()
    {
        await using var context = await box.Chromium.NewContextAsync(javaScript: false);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(new Uri(box.Origin, "/").ToString());
        Assert.Equal(200, response!.Status);
        Assert.False(await page.EvaluateAsync<bool>("() => document.documentElement.hasAttribute('data-status-version')"));

        var main = page.Locator("main");
        await Expect(page.Locator("h1")).ToContainTextAsync("pair the first device");
        foreach (var field in new[] { "Accounts", "Outgoing queue", "Mail LED", "Status LED", "Used by mail", "Free", "Kept free", "Server (SHA-256)", "GPIO" })
        {
            await Expect(main.Locator("dt", new() { HasTextString = field }).First).ToBeVisibleAsync();
        }

        await Expect(page.Locator("[data-bind=accounts]")).ToHaveTextAsync("0");
        var status = await box.StatusAsync();
        await Expect(page.Locator("[data-bind=\"leds.status.pattern\"]")).ToHaveTextAsync(status.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString()!);
        await Expect(page.Locator("[data-bind=\"tls.serverFingerprintSha256\"]")).ToHaveTextAsync(new Regex("^[0-9A-F]{2}(:[0-9A-F]{2}){31}$"));
        // Services with their listeners, and the pairing hint as the server rendered it (no script to switch blocks).
        await Expect(main.Locator("td", new() { HasTextString = "imap" }).First).ToBeVisibleAsync();
        await Expect(main.Locator(".listener", new() { HasTextString = box.ImapPort.ToString(CultureInfo.InvariantCulture) })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-show=\"!pairing.open\"]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-show=\"pairing.open\"]")).ToBeHiddenAsync();
        // Without a script the page reloads itself.
        Assert.Equal(1, await page.Locator("noscript").CountAsync());
        await Screenshots.TakeAsync(page, "status-without-javascript");
    }
}
