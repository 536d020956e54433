using System.Text.Json;
using EdgeMail.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;

namespace EdgeMail.Tests;

/// <summary>
/// The box's face on the real `serve` with the Virtual GPIO driver and both LEDs wired: what `status --json` shows as
/// mail arrives over SMTP and is read over IMAP, and as the pairing window opens and closes from the command line.
/// (Injecting button edges into the running service needs the loopback test endpoint of the web page; the button's
/// gestures are tested in EdgeMail.Device.Tests.)
/// </summary>
public sealed class DeviceEndToEndTests : IAsyncLifetime
{
    private const string User = "alice@edgemail.local";
    private const string Password = "correct horse battery";

    private readonly TempFolder _data = new();
    private readonly int _imap = EdgeMailProcess.FreePort();
    private readonly int _smtp = EdgeMailProcess.FreePort();
    private ServeProcess _serve = null!;

    public async Task InitializeAsync()
    {
        await EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, _data.Path, User, Password);
        var args = ServeProcess.OnlyArguments(_data.Path, ("Imap:Port", _imap), ("Smtp:Port", _smtp));
        args.AddRange(["--Device:Gpio:Driver=Virtual", "--Device:MailLed:Pin=17", "--Device:StatusLed:Pin=27", "--Device:Button:Pin=22"]);
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        _serve.Process.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Mail_lights_the_mail_led_until_it_is_read_and_the_pairing_window_fast_blinks_the_status_led()
    {
        var device = await DeviceAsync();
        Assert.Equal("Virtual", device.GetProperty("driver").GetString());
        Assert.True(device.GetProperty("available").GetBoolean());
        Assert.Equal("off", Pattern(device, "mailLed"));
        Assert.Equal("on", Pattern(device, "statusLed"));

        // A LAN device (loopback is trusted) sends alice a message: the mail LED comes on.
        await LanMail.SendAsync(_smtp, User, "scan");

        await WaitForAsync("mailLed", "on");

        // Read from another client: the LED goes off.
        using (var imap = new ImapClient())
        {
            await imap.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(User, Password);
            await imap.Inbox.OpenAsync(FolderAccess.ReadWrite);
            await imap.Inbox.AddFlagsAsync(0, MessageFlags.Seen, silent: true);
            await imap.DisconnectAsync(true);
        }

        await WaitForAsync("mailLed", "off");

        // `edgemail pair` opens the window on the running service: the status LED fast-blinks; --close ends it.
        var (exit, output, error) = await EdgeMailProcess.RunAsync(["pair", "--data", _data.Path]);
        Assert.True(exit == 0, output + error);
        await WaitForAsync("statusLed", "fast-blink");
        (exit, output, error) = await EdgeMailProcess.RunAsync(["pair", "--close", "--data", _data.Path]);
        Assert.True(exit == 0, output + error);
        await WaitForAsync("statusLed", "on");
    }

    private static string? Pattern(JsonElement device, string led) => device.GetProperty(led).GetProperty("pattern").GetString();

    private async Task WaitForAsync(string led, string pattern) =>
        await Eventually.TrueAsync(async () => Pattern(await DeviceAsync(), led) == pattern, $"{led} {pattern}");

    private async Task<JsonElement> DeviceAsync()
    {
        var (exit, output, error) = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("device").Clone();
    }
}
