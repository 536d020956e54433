using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Web;

/// <summary>
/// The box's face end to end on the real `serve` with the Virtual driver, at the pins themselves: the loopback hook's
/// stream of the LEDs' pin levels shows the mail LED's blink on a delivery and its steady light, and a short press of the
/// button (through the hook, as a finger: debounce and gesture machine included) acknowledges it.
/// </summary>
public sealed class DeviceButtonEndToEndTests
{
    private const string User = "alice@example.org";
    private const string Password = "correct horse battery";
    private const int MailLedPin = 17;

    [Fact]
    public async Task A_delivery_blinks_the_mail_led_pin_and_leaves_it_on_until_a_short_press_acknowledges_it()
    {
        await using var web = await WebServe.StartWithUserAsync(User, Password);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var events = new HttpClient { BaseAddress = web.Client.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var response = await events.GetAsync("/api/device/pins/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var (name, data) = await WebServe.NextEventAsync(reader, timeout.Token);
        Assert.Equal("pins", name);
        Assert.Equal(0, data.GetProperty(MailLedPin.ToString(System.Globalization.CultureInfo.InvariantCulture)).GetInt32());

        await LanMail.SendAsync(web.Smtp, User, "a blink, then steady");

        // The pin goes high (on or the blink), low (the blink's gap), and high again: a blink was on the pin.
        var seen = new List<int>();
        while (!EndsWithBlink(seen))
        {
            seen.Add(await NextMailLedLevelAsync(reader, timeout.Token));
        }
        await Eventually.TrueAsync(async () => MailPattern(await web.StatusAsync()) == "on", "mail LED on");
        Assert.Equal(1, (await web.StatusAsync()).GetProperty("pins").GetProperty("17").GetInt32());

        // A short press (200 ms: longer than the 50 ms debounce, far shorter than the 3 s hold) acknowledges the mail.
        using (var press = await web.Client.PostAsJsonAsync("/api/device/button", new { holdMs = 200 }, timeout.Token))
        {
            Assert.Equal(HttpStatusCode.OK, press.StatusCode);
        }
        while (await NextMailLedLevelAsync(reader, timeout.Token) != 0)
        {
        }
        await Eventually.TrueAsync(async () => MailPattern(await web.StatusAsync()) == "off", "mail LED off after the press");
        var status = await web.StatusAsync();
        Assert.False(status.GetProperty("pairing").GetProperty("open").GetBoolean());
        Assert.Equal("short-press", status.GetProperty("device").GetProperty("button").GetProperty("lastEvent").GetString());

        // The next delivery lights it again.
        await LanMail.SendAsync(web.Smtp, User, "again");
        while (await NextMailLedLevelAsync(reader, timeout.Token) != 1)
        {
        }
    }

    private static bool EndsWithBlink(List<int> levels)
    {
        var i = levels.IndexOf(1);
        var j = i < 0 ? -1 : levels.IndexOf(0, i);
        return j >= 0 && levels.IndexOf(1, j) >= 0;
    }

    private static string? MailPattern(JsonElement status) => status.GetProperty("leds").GetProperty("mail").GetProperty("pattern").GetString();

    private static async Task<int> NextMailLedLevelAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (name, data) = await WebServe.NextEventAsync(reader, cancellationToken);
            if (name == "pin" && data.GetProperty("pin").GetInt32() == MailLedPin)
            {
                return data.GetProperty("level").GetInt32();
            }
        }
    }
}
