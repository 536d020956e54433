using System.Net.Sockets;
using System.Text.Json;
using EdgeMail.Testing;
using EdgeMail.Tests.Support;

namespace EdgeMail.Tests;

/// <summary>The control socket of `serve` and the verbs that use it: status (live listeners) and queue flush (at once).</summary>
public sealed class ControlChannelTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private string Socket => Path.Combine(_data.Path, "control.sock");

    [Fact]
    public async Task Serve_listens_on_control_sock_with_mode_0660_replaces_a_stale_one_and_removes_it_on_stop()
    {
        // A socket file left behind by a crash: SIGKILL gives the service no chance to remove it.
        await using (var crashed = await RunningService.StartAsync(Args(EdgeMailProcess.FreePort())))
        {
            Assert.True(File.Exists(Socket));
            await crashed.KillAsync();
        }

        Assert.True(File.Exists(Socket));
        var status = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
        Assert.True(status.ExitCode == 0, status.Stderr);
        Assert.Contains("service:         not running", status.Stdout, StringComparison.Ordinal);

        var imap = EdgeMailProcess.FreePort();
        await using (var serve = await RunningService.StartAsync(Args(imap)))
        {
            var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(Socket);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, mode);
            using var json = JsonDocument.Parse((await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path])).Stdout);
            Assert.True(json.RootElement.GetProperty("running").GetBoolean());
            Assert.Equal(0, await serve.StopAsync());
        }

        Assert.False(File.Exists(Socket));
    }

    [Fact]
    public async Task Status_through_the_channel_lists_exactly_the_sockets_the_service_bound()
    {
        var imap = EdgeMailProcess.FreePort();
        var pop3s = EdgeMailProcess.FreePort();
        await using var serve = await RunningService.StartAsync(["--data", _data.Path, $"--Imap:Port={imap}", "--Imap:TlsPort=0", "--Pop3:Port=0", $"--Pop3:TlsPort={pop3s}", "--Smtp:Port=0", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0"]);

        var result = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var listening = json.RootElement.GetProperty("listening").EnumerateArray()
            .Select(l => $"{l.GetProperty("protocol").GetString()} {l.GetProperty("address").GetString()}:{l.GetProperty("port").GetInt32()} {l.GetProperty("tls").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.Equal([$"imap 127.0.0.1:{imap} starttls", $"pop3s 127.0.0.1:{pop3s} implicit"], listening);

        var text = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
        Assert.Contains("service:         running", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  imap         127.0.0.1:{imap}", text.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  pop3s        127.0.0.1:{pop3s}", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("web", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("smtp", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_flush_through_the_channel_sends_at_once_not_at_the_next_scan()
    {
        var smtp = EdgeMailProcess.FreePort();
        var upstreamPort = EdgeMailProcess.FreePort();
        // Retries an hour apart, scans ten minutes apart, no probing: only the flush's signal can send it in time.
        string[] settings = ["--data", _data.Path, $"--Smtp:Port={smtp}", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0",
            "--Relay:Host=127.0.0.1", $"--Relay:Port={upstreamPort}", "--Relay:Security=None", "--Relay:FirstRetryDelay=01:00:00",
            "--Relay:ScanInterval=00:10:00", "--Relay:ProbeInterval=01:00:00"];
        await using var serve = await RunningService.StartAsync([.. settings, "--Imap:Port=0", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0"]);
        var sent = await EdgeMailProcess.RunAsync(["sendmail", "-f", "root@edgemail.local", "friend@example.net", .. settings], "Subject: report\n\nall good\n");
        Assert.True(sent.ExitCode == 0, sent.Stderr);

        // The first attempt finds no upstream; the recipient then waits an hour.
        await Eventually.TrueAsync(
            async () => (await EdgeMailProcess.RunAsync(["queue", "list", .. settings])).Stdout.Contains("1 attempt(s)", StringComparison.Ordinal),
            "the first attempt in the queue listing",
            TimeSpan.FromSeconds(30));

        await using var upstream = new FakeUpstream(upstreamPort);
        var flush = await EdgeMailProcess.RunAsync(["queue", "flush", .. settings]);
        Assert.True(flush.ExitCode == 0, flush.Stderr);
        Assert.Contains("1 recipient(s) due now; the running service is sending them", flush.Stdout, StringComparison.Ordinal);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var message = await upstream.Received.ReadAsync(wait.Token);
        Assert.Contains("Subject: report", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queue_flush_without_a_service_makes_recipients_due_for_the_next_start()
    {
        var result = await EdgeMailProcess.RunAsync(["queue", "flush", "--data", _data.Path]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no service is running", result.Stdout, StringComparison.Ordinal);
    }

    private string[] Args(int imap) =>
        ["--data", _data.Path, $"--Imap:Port={imap}", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0", "--Smtp:Port=0", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0"];
}
