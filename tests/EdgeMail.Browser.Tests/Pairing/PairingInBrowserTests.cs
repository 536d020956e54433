using EdgeMail.Browser.Tests.Support;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Playwright;

namespace EdgeMail.Browser.Tests.Pairing;

/// <summary>
/// The owner's first evening with the box, in a real browser: the status page, the button held (through the loopback
/// test hook), the pairing window appearing on the page without a reload, the form, the answer with its app password
/// and QR code, IMAP with that password, the phone's one-time link redeemed in a second page; then the admin page: two-factor
/// turned on with a code from the test's own TOTP, a login that needs the code, and the laptop revoked.
/// </summary>
public sealed class PairingInBrowserTests(WebBox box) : IClassFixture<WebBox>
{
    private const string Admin = "admin@" + WebBox.Domain;
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Holding_the_button_opens_the_window_on_the_page_and_the_form_pairs_a_laptop_then_the_QR_link_a_phone()
    {
        await using var laptop = await box.Chromium.NewContextAsync();
        await using var phone = await box.Chromium.NewContextAsync();
        await Screenshots.OnFailureAsync(() => PairAsync(laptop, phone), "pairing", laptop, phone);
    }

    private async Task PairAsync(IBrowserContext laptop, IBrowserContext phone)
    {
        var page = await laptop.NewPageAsync();
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;

        // 1. The status page: a new box, waiting for its first pairing.
        await page.GotoAsync(new Uri(box.Origin, "/").ToString());
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("pair the first device");
        await Assertions.Expect(page.Locator("[data-show=\"!pairing.open\"]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-show=\"pairing.open\"]")).ToBeHiddenAsync();
        // The script has applied the server's first event: from here on the page follows the box.
        await page.WaitForFunctionAsync("() => document.documentElement.hasAttribute('data-status-version')");
        await Screenshots.TakeAsync(page, "01-status");

        // 2. The button held for 3.2 s: the page shows the window by itself, with no navigation.
        await page.EvaluateAsync("() => { window.edgemailMarker = 'before the press'; }");
        var navigationsBefore = navigations;
        await box.PressButtonAsync(3200);
        await page.Locator("[data-show=\"pairing.open\"]").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await Assertions.Expect(page.Locator("[data-show=\"!pairing.open\"]")).ToBeHiddenAsync();
        Assert.Equal("before the press", await page.EvaluateAsync<string>("() => window.edgemailMarker"));
        Assert.Equal(navigationsBefore, navigations);
        var status = await box.StatusAsync();
        Assert.True(status.GetProperty("pairing").GetProperty("open").GetBoolean());
        Assert.Equal("fast-blink", status.GetProperty("leds").GetProperty("status").GetProperty("pattern").GetString());
        await Assertions.Expect(page.Locator("[data-bind=\"leds.status.pattern\"]")).ToHaveTextAsync("fast-blink");
        await Screenshots.TakeAsync(page, "02-pairing-window-open");

        // 3. "Pair a device now": the form creates the first account (the admin) and pairs the laptop.
        await page.GetByRole(AriaRole.Link, new() { Name = "Pair a device now" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Uri(box.Origin, "/pair").ToString());
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("This box has no account yet");
        await page.Locator("#account").FillAsync(Admin);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#device").FillAsync("Laptop");
        await Screenshots.TakeAsync(page, "03-pair-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Pair", Exact = true }).ClickAsync();

        var appPassword = (await page.Locator("#app-password").TextContentAsync())?.Trim();
        Assert.False(string.IsNullOrEmpty(appPassword));
        Assert.NotEqual(Password, appPassword);
        await Assertions.Expect(page.Locator("[data-answer=device]")).ToHaveTextAsync("Laptop");
        await Assertions.Expect(page.Locator("[data-answer=account]")).ToHaveTextAsync(Admin);

        // The QR code, read from the image's own pixels: the link it holds is the one the page names.
        var qr = page.Locator("#phone-qr");
        var dataLink = await qr.GetAttributeAsync("data-link");
        var decoded = QrCode.Decode(QrCode.FromDataUrl((await qr.GetAttributeAsync("src"))!));
        Assert.Equal(dataLink, decoded);
        var link = new Uri(decoded);
        Assert.Equal("https", link.Scheme);
        Assert.Equal(box.TlsPort, link.Port);
        Assert.Matches("^/p/[A-Za-z0-9_-]{16,}$", link.AbsolutePath);
        // And as a phone's camera sees it on the screen: a screenshot of the element decodes to the same link.
        Assert.Equal(decoded, QrCode.Decode(await qr.ScreenshotAsync()));
        await Assertions.Expect(page.Locator("#phone-link-state")).ToContainTextAsync("Waiting for the phone");
        await Screenshots.TakeAsync(page, "04-pair-answer");

        // 4. The laptop's mail app: IMAP with the app password sees INBOX.
        await AssertImapLoginAsync(Admin, appPassword!);

        // 5. The phone opens the QR code's link (over HTTPS on the box's TLS port; "localhost" because the page was
        // opened by that name) in a profile of its own, keeps the device name "Phone", and gets its own password.
        var phonePage = await phone.NewPageAsync();
        await phonePage.GotoAsync(PhoneReachable(link).ToString());
        await Assertions.Expect(phonePage.Locator("main")).ToContainTextAsync(Admin);
        await Assertions.Expect(phonePage.Locator("#device")).ToHaveValueAsync("Phone");
        await Screenshots.TakeAsync(phonePage, "05-phone-link");
        await phonePage.GetByRole(AriaRole.Button, new() { Name = "Get my password" }).ClickAsync();
        var phonePassword = (await phonePage.Locator("#app-password").TextContentAsync())?.Trim();
        Assert.False(string.IsNullOrEmpty(phonePassword));
        Assert.NotEqual(appPassword, phonePassword);
        await Assertions.Expect(phonePage.Locator("[data-answer=device]")).ToHaveTextAsync("Phone");
        Assert.Equal(0, await phonePage.Locator("#phone-qr").CountAsync());
        await Screenshots.TakeAsync(phonePage, "06-phone-answer");
        await AssertImapLoginAsync(Admin, phonePassword!);

        // The laptop's page says the code was used; the link does not work twice.
        await Assertions.Expect(page.Locator("#phone-link-state")).ToContainTextAsync("the code was used");
        await Screenshots.TakeAsync(page, "07-phone-link-used");
        var again = await phonePage.GotoAsync(PhoneReachable(link).ToString());
        Assert.Equal(410, again!.Status);

        // 6. The admin (the first account) logs in to the admin page and turns on the second factor.
        await page.GotoAsync(new Uri(box.Origin, "/admin").ToString());
        await page.Locator("#account").FillAsync(Admin);
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-name")).ToHaveTextAsync(Admin);
        await Assertions.Expect(page.Locator("[data-device=\"Laptop\"]")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "08-admin");
        await page.Locator("#twofactor-begin").ClickAsync();
        var secret = (await page.Locator("#totp-secret").TextContentAsync())!.Trim();
        var totpQr = page.Locator("#totp-qr");
        var otpauth = QrCode.Decode(QrCode.FromDataUrl((await totpQr.GetAttributeAsync("src"))!));
        Assert.StartsWith("otpauth://totp/EdgeMail:", otpauth, StringComparison.Ordinal);
        Assert.Contains("secret=" + secret, otpauth, StringComparison.Ordinal);
        await Screenshots.TakeAsync(page, "09-totp-enrol");
        var key = TestTotp.Base32(secret);
        await page.Locator("#code").FillAsync(TestTotp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(8);
        await Screenshots.TakeAsync(page, "10-recovery-codes");

        // 7. Log out; the password alone now gets the question for a code; with a code (the next step's: the one of
        // the confirmation counts once) the admin is in.
        await page.GotoAsync(new Uri(box.Origin, "/admin").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.Locator("#account").FillAsync(Admin);
        await page.Locator("#password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#code")).ToBeVisibleAsync();
        await Screenshots.TakeAsync(page, "11-login-asks-code");
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#code").FillAsync(TestTotp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#admin-name")).ToHaveTextAsync(Admin);
        await Assertions.Expect(page.Locator("#twofactor-state")).ToContainTextAsync("on");

        // 8. Revoke the laptop: its app password no longer logs in over IMAP; the phone's still does.
        await page.Locator("[data-device=\"Laptop\"]").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("revoked Laptop");
        await Assertions.Expect(page.Locator("[data-device=\"Laptop\"]")).ToHaveCountAsync(0);
        await Screenshots.TakeAsync(page, "12-device-revoked");
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", box.ImapPort, SecureSocketOptions.None);
            await Assert.ThrowsAsync<AuthenticationException>(() => imap.AuthenticateAsync(Admin, appPassword!));
        }
        await AssertImapLoginAsync(Admin, phonePassword!);
    }

    /// <summary>
    /// The link names the box as a phone reaches it. The page was opened as localhost, so it names localhost and the
    /// browser opens it as it is (the box's certificate is not trusted yet: the context ignores HTTPS errors); a link to
    /// another name (Web:MailHostName, the box's .local name) is opened on loopback over the same HTTPS port.
    /// </summary>
    private Uri PhoneReachable(Uri link) => link.IsLoopback
        ? link
        : new UriBuilder(link) { Host = "127.0.0.1", Port = box.TlsPort }.Uri;

    private async Task AssertImapLoginAsync(string user, string password)
    {
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", box.ImapPort, SecureSocketOptions.None);
        await imap.AuthenticateAsync(user, password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal("INBOX", imap.Inbox.FullName);
        await imap.DisconnectAsync(true);
    }
}
