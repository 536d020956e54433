using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.CrashHarness.Fetch;

/// <summary>
/// The box under test: `edgemail serve` on its own data folder with one fetch account on the provider, started,
/// SIGKILLed and started again. It checks the provider's certificate against the provider's CA (SSL_CERT_FILE), as
/// a box does against the system's trust store, and retries a failed pass after half a second rather than a minute.
/// </summary>
internal sealed class Box
{
    public const string User = "alice@edgemail.local";
    public const string Password = "box-password-1";
    public const string FetchName = "prov";

    private readonly string _program;
    private readonly Provider _provider;
    private ServeProcess? _serve;

    private Box(string program, string data, Provider provider)
    {
        _program = program;
        Data = data;
        _provider = provider;
    }

    public string Data { get; }

    public int ImapPort { get; private set; }

    /// <summary>When the running process said it was serving.</summary>
    public Stopwatch Alive { get; private set; } = new();

    /// <summary>A new data folder with alice and the fetch account of <paramref name="mode"/>; not started.</summary>
    public static async Task<Box> CreateAsync(string program, string data, Provider provider, FetchMode mode)
    {
        Directory.CreateDirectory(data);
        await EdgeMailProcess.AddUserAsync(program, data, User, Password).ConfigureAwait(false);
        var port = mode.Protocol == "pop3" ? provider.Pop3sPort : provider.ImapsPort;
        var (exit, _, error) = await EdgeMailProcess.RunProgramAsync(program, [
            "fetch", "add", FetchName, "--data", data, "--protocol", mode.Protocol, "--host", "127.0.0.1",
            "--port", port.ToString(CultureInfo.InvariantCulture), "--user", Provider.User, "--to", User,
            "--remote", mode.Remote, "--password-stdin"], Provider.Password + "\n").ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail fetch add failed (exit {exit}): {error.Trim()}");
        }

        return new Box(program, data, provider);
    }

    public async Task StartAsync()
    {
        ImapPort = EdgeMailProcess.FreePort();
        var args = ServeProcess.OnlyArguments(Data, ("Imap:Port", ImapPort));
        args.AddRange(["--Fetch:FirstRetryDelay=00:00:00.5", "--Fetch:MaxRetryDelay=00:00:02"]);
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfoFor(_program, args, Trust()), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        Alive = Stopwatch.StartNew();
    }

    /// <summary>SIGKILL, then waits until the process is gone; returns what it logged.</summary>
    public async Task<string> KillAsync()
    {
        var serve = _serve ?? throw new InvalidOperationException("the box is not running");
        serve.Process.Kill(entireProcessTree: false); // SIGKILL on Linux
        await serve.Process.WaitForExitAsync().ConfigureAwait(false);
        Alive.Stop();
        var output = await serve.Drained.ConfigureAwait(false);
        serve.Process.Dispose();
        _serve = null;
        return output[0];
    }

    public async Task<string> StopAsync()
    {
        var serve = _serve ?? throw new InvalidOperationException("the box is not running");
        await serve.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var output = await serve.Drained.ConfigureAwait(false);
        serve.Process.Dispose();
        _serve = null;
        return output[0];
    }

    public void KillQuietly()
    {
        try
        {
            _serve?.Process.Kill();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// `fetch status --json`: the messages the fetch account has committed (counted in the transaction of each local
    /// copy), from the running service or, when none runs, from the store.
    /// </summary>
    public async Task<long> FetchedAsync()
    {
        var (exit, stdout, error) = await RunAsync("fetch", "status", "--json").ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail fetch status failed (exit {exit}): {error.Trim()}");
        }

        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == FetchName).GetProperty("fetched").GetInt64();
    }

    /// <summary>`fetch run`: a pass now in the running service; its output.</summary>
    public async Task<string> RunFetchAsync()
    {
        var (exit, stdout, error) = await RunAsync("fetch", "run", FetchName).ConfigureAwait(false);
        return exit == 0 ? stdout.Trim() : throw new InvalidOperationException($"edgemail fetch run failed (exit {exit}): {error.Trim()} {stdout.Trim()}");
    }

    /// <summary>`edgemail check`: each problem it names (a body missing, or not as recorded at intake).</summary>
    public async Task<List<string>> CheckAsync()
    {
        var (exit, stdout, error) = await RunAsync("check").ConfigureAwait(false);
        var problems = stdout.Split('\n').Where(l => l.StartsWith("problem: ", StringComparison.Ordinal)).ToList();
        if (exit != 0 && problems.Count == 0)
        {
            problems.Add($"edgemail check exited {exit}: {error.Trim()}");
        }

        return problems;
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        EdgeMailProcess.RunProgramAsync(_program, [.. args, "--data", Data], environment: Trust(), timeoutSeconds: 120);

    private Dictionary<string, string> Trust() => new() { ["SSL_CERT_FILE"] = _provider.AuthorityFile };
}
