using System.Net.Http.Json;
using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Browser.Tests.Support;

/// <summary>
/// The box as its owner meets it: the real `serve` with the Virtual GPIO driver (both LEDs and the button wired), the
/// page on a free HTTP and HTTPS port, IMAP on a free port, one domain and no account yet; and a browser.
/// </summary>
public sealed class WebBox : IAsyncLifetime
{
    public const string Domain = "example.org";

    private readonly TempFolder _data = new();
    private ServeProcess? _serve;
    private Chromium? _chromium;

    public int WebPort { get; } = EdgeMailProcess.FreePort();
    public int TlsPort { get; } = EdgeMailProcess.FreePort();
    public int ImapPort { get; } = EdgeMailProcess.FreePort();

    /// <summary>The page over plain HTTP on loopback, where the box allows password pages (nothing crosses a wire).</summary>
    public Uri Origin => new($"http://localhost:{WebPort}");

    public HttpClient Http { get; private set; } = null!;

    internal Chromium Chromium => _chromium!;

    public async Task InitializeAsync()
    {
        var args = ServeProcess.OnlyArguments(_data.Path, ("Web:Port", WebPort), ("Web:TlsPort", TlsPort), ("Imap:Port", ImapPort));
        args.AddRange(["--Device:Gpio:Driver=Virtual", "--Device:MailLed:Pin=17", "--Device:StatusLed:Pin=27", "--Device:Button:Pin=22", $"--Domains:0={Domain}"]);
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{WebPort}"), Timeout = TimeSpan.FromSeconds(30) };
        _chromium = await Chromium.LaunchAsync();
    }

    /// <summary>Holds the button for <paramref name="holdMs"/> through the loopback test hook; returns once it is released.</summary>
    public async Task PressButtonAsync(int holdMs)
    {
        using var response = await Http.PostAsJsonAsync("/api/device/button", new { holdMs });
        Assert.True(response.IsSuccessStatusCode, $"POST /api/device/button: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var document = JsonDocument.Parse(await Http.GetStringAsync("/api/status"));
        return document.RootElement.Clone();
    }

    public async Task DisposeAsync()
    {
        // The browser first (chromium and the driver's node), then serve: nothing is left running.
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }

        Http?.Dispose();
        if (_serve is not null)
        {
            try
            {
                await _serve.StopAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                if (!_serve.Process.HasExited)
                {
                    _serve.Process.Kill(entireProcessTree: true);
                }

                _serve.Process.Dispose();
            }
        }

        _data.Dispose();
    }
}
