using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Web;

/// <summary>
/// The real `serve` with the web page on free ports (HTTP and HTTPS), IMAP on, and the Virtual GPIO driver with both
/// LEDs and the button wired, for the page's end-to-end tests. Requests go to http://127.0.0.1 (loopback may see
/// passwords over plain HTTP) with a cookie container, as a browser keeps the CSRF cookie.
/// </summary>
internal sealed partial class WebServe : IAsyncDisposable
{
    public const string Domain = "example.org";

    /// <summary>The box's first account (its admin, once made by pairing or `user add`) and its password.</summary>
    public const string Admin = "admin@" + Domain;

    public const string AdminPassword = "correct horse battery";

    private readonly TempFolder _data = new();
    private ServeProcess? _serve;

    private WebServe()
    {
        // In the data folder's edgemail.json, so that the CLI verbs the tests run (user add, device list) see the domain.
        File.WriteAllText(Path.Combine(_data.Path, "edgemail.json"), $$"""{ "Domains": [ "{{Domain}}" ] }""");
    }

    public int Imap { get; } = EdgeMailProcess.FreePort();

    public int Smtp { get; } = EdgeMailProcess.FreePort();

    public int Submission { get; } = EdgeMailProcess.FreePort();

    public int Http { get; } = EdgeMailProcess.FreePort();

    public int Https { get; } = EdgeMailProcess.FreePort();

    public string DataPath => _data.Path;

    public HttpClient Client { get; private set; } = null!;

    public CookieContainer Cookies { get; } = new();

    public static Task<WebServe> StartAsync(params string[] extra) => StartWithUserAsync(null, null, extra);

    /// <summary>Starts with one account made by `user add` first (null: a box with no account yet).</summary>
    public static async Task<WebServe> StartWithUserAsync(string? address, string? password, params string[] extra)
    {
        var web = new WebServe();
        if (address is not null)
        {
            await EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, web._data.Path, address, password!);
        }

        var args = ServeProcess.OnlyArguments(web._data.Path, ("Imap:Port", web.Imap), ("Smtp:Port", web.Smtp), ("Smtp:SubmissionPort", web.Submission), ("Web:Port", web.Http), ("Web:TlsPort", web.Https));
        args.AddRange(["--Web:MailHostName=localhost", "--Device:Gpio:Driver=Virtual", "--Device:MailLed:Pin=17", "--Device:StatusLed:Pin=27", "--Device:Button:Pin=22"]);
        args.AddRange(extra);
        web._serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
        web.Client = new HttpClient(new HttpClientHandler { CookieContainer = web.Cookies, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{web.Http}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        return web;
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        EdgeMailProcess.RunAsync([.. args, "--data", _data.Path]);

    public async Task<JsonElement> StatusAsync()
    {
        using var response = await Client.GetAsync("/api/status");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    public async Task OpenWindowAsync()
    {
        var (code, _, stderr) = await RunAsync("pair");
        Assert.True(code == 0, stderr);
    }

    public async Task<HttpResponseMessage> PairApiAsync(string account, string password, string device) =>
        await Client.PostAsJsonAsync("/api/pair", new { account, password, deviceName = device });

    /// <summary>A form body, as a browser posts it.</summary>
    public static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Key, string Value)[] fields) => Client.PostAsync(path, Form(fields));

    /// <summary>The next server-sent event of a stream (its name and JSON data), read strictly line by line.</summary>
    public static async Task<(string Name, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                using var json = JsonDocument.Parse(line[6..]);
                return (name, json.RootElement.Clone());
            }
        }
        throw new EndOfStreamException("the event stream ended");
    }

    /// <summary>The form's hidden CSRF value in a page.</summary>
    public static string CsrfOf(string html) => CsrfField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no CSRF field in the page");

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_serve is not null)
        {
            await _serve.StopAsync(TimeSpan.FromSeconds(30));
            _serve.Process.Dispose();
        }
        _data.Dispose();
    }

    [GeneratedRegex("name=\"csrf\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex CsrfField();
}
