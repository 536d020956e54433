using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>GPIO that cannot be opened (here: no GPIO chip, or no libgpiod, on the test machine): mail keeps flowing.</summary>
public sealed class DeviceUnavailableTests : IAsyncLifetime
{
    private const string User = "alice@edgemail.local";

    private readonly TempFolder _data = new();
    private readonly int _smtp = EdgeMailProcess.FreePort();
    private ServeProcess _serve = null!;

    public async Task InitializeAsync()
    {
        Assert.False(File.Exists("/dev/gpiochip0"), "this test needs a machine without GPIO");
        await EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, _data.Path, User, "correct horse battery");
        var args = ServeProcess.OnlyArguments(_data.Path, ("Smtp:Port", _smtp));
        args.AddRange(["--Device:Gpio:Driver=LibGpiod", "--Device:MailLed:Pin=17"]);
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        _serve.Process.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Status_says_why_the_device_is_unavailable_and_mail_is_still_delivered()
    {
        var (exit, output, error) = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
        Assert.True(exit == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var device = json.RootElement.GetProperty("device");
            Assert.False(device.GetProperty("available").GetBoolean());
            Assert.Contains("Device:Gpio:Driver LibGpiod", device.GetProperty("unavailableReason").GetString(), StringComparison.Ordinal);
        }

        await LanMail.SendAsync(_smtp, User, "still flowing");

        (exit, output, _) = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
        Assert.Equal(0, exit);
        Assert.Contains("device:          unavailable (Device:Gpio:Driver LibGpiod", output, StringComparison.Ordinal);

        // The message is in alice's INBOX.
        await _serve.StopAsync(TimeSpan.FromSeconds(30));
        await using var store = EdgeMail.Store.MailStore.Open(new EdgeMail.Store.StoreOptions { Path = _data.Path }, EdgeMail.Store.StoreOpenMode.Service);
        var inbox = (await store.GetMailboxAsync((await store.FindAccountAsync(User))!.Id, "INBOX"))!;
        Assert.Equal(1, (await store.GetStatusAsync(inbox.Id)).Messages);
    }
}
