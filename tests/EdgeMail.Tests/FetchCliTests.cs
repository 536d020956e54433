using System.Text.Json;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace EdgeMail.Tests;

/// <summary>
/// `edgemail fetch add|list|run|status|remove` on the real program: one `serve` plays the provider, another is the
/// box. The box trusts the provider's CA through the system's trust store (SSL_CERT_FILE), as it would a provider's
/// public CA: the certificate check is on. The password is never printed, by any verb, nor logged.
/// </summary>
public sealed class FetchCliTests : IAsyncLifetime
{
    private const string RemoteUser = "bob@provider.test";
    private const string RemotePassword = "remote secret 9f3e";
    private const string LocalUser = "alice@edgemail.local";
    private const string LocalPassword = "local password 1";

    private readonly TempFolder _provider = new();
    private readonly TempFolder _box = new();
    private readonly int _providerImaps = EdgeMailProcess.FreePort();
    private readonly int _providerSmtp = EdgeMailProcess.FreePort();
    private readonly int _boxImap = EdgeMailProcess.FreePort();
    private ServeProcess _providerServe = null!;
    private ServeProcess? _boxServe;

    private string[] Box => ["--data", _box.Path];

    public async Task InitializeAsync()
    {
        var remote = await EdgeMailProcess.RunAsync(["user", "add", RemoteUser, "--password-stdin", "--data", _provider.Path, "--Domains=provider.test"], RemotePassword + "\n");
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", LocalUser, "--password-stdin", .. Box], LocalPassword + "\n")).ExitCode);
        _providerServe = await ServeProcess.StartAsync(
            [.. ServeProcess.OnlyArguments(_provider.Path, ("Imap:TlsPort", _providerImaps), ("Smtp:Port", _providerSmtp)), "--Domains=provider.test"],
            TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        foreach (var serve in new[] { _boxServe, _providerServe })
        {
            if (serve is not null)
            {
                EdgeMailProcess.SendSignal(serve.Process, "TERM");
                await serve.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
                serve.Process.Dispose();
            }
        }

        _provider.Dispose();
        _box.Dispose();
    }

    [Fact]
    public async Task A_fetch_account_added_on_the_command_line_brings_the_providers_mail_and_status_shows_how_it_goes()
    {
        await SendToProviderAsync("before the box ran");

        var add = await EdgeMailProcess.RunAsync(
            ["fetch", "add", "isp", "--host", "127.0.0.1", "--port", $"{_providerImaps}", "--user", RemoteUser, "--to", LocalUser, "--password-stdin", .. Box],
            RemotePassword + "\n");
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Contains("added fetch account isp: imap bob@provider.test at 127.0.0.1:", add.Stdout, StringComparison.Ordinal);
        Assert.Contains("no service is running", add.Stdout, StringComparison.Ordinal);

        var list = await EdgeMailProcess.RunAsync(["fetch", "list", .. Box]);
        Assert.StartsWith("isp  imap bob@provider.test", list.Stdout, StringComparison.Ordinal);

        var trust = new Dictionary<string, string> { ["SSL_CERT_FILE"] = Path.Combine(_provider.Path, "tls", "ca.crt.pem") };
        _boxServe = await ServeProcess.StartAsync(
            EdgeMailProcess.StartInfo([.. ServeProcess.OnlyArguments(_box.Path, ("Imap:Port", _boxImap))], trust), TimeSpan.FromSeconds(60));

        // The service fetches at its start; `fetch run` answers with a pass of its own, after it.
        var run = await EdgeMailProcess.RunAsync(["fetch", "run", "isp", .. Box]);
        Assert.True(run.ExitCode == 0, run.Stderr + run.Stdout);
        Assert.Matches(@"^isp: \d new message\(s\)", run.Stdout);
        Assert.Equal(["before the box ran"], await LocalSubjectsAsync());

        // Then mail comes through IDLE, with no pass asked for: a local IDLE client sees it arrive.
        using (var client = new ImapClient())
        {
            await client.ConnectAsync("127.0.0.1", _boxImap, SecureSocketOptions.None);
            await client.AuthenticateAsync(LocalUser, LocalPassword);
            await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
            using var arrived = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            client.Inbox.CountChanged += (_, _) => arrived.Cancel();
            await EventuallyIdleAsync();
            var idle = client.IdleAsync(arrived.Token);
            await SendToProviderAsync("pushed");
            await idle;
            Assert.Equal(2, client.Inbox.Count);
        }

        var status = await EdgeMailProcess.RunAsync(["status", "--json", .. Box]);
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            var fetch = json.RootElement.GetProperty("fetch")[0];
            Assert.Equal("isp", fetch.GetProperty("name").GetString());
            Assert.Equal(2, fetch.GetProperty("fetched").GetInt64());
            Assert.True(fetch.GetProperty("idling").GetBoolean() || fetch.GetProperty("connected").GetBoolean());
            Assert.False(fetch.GetProperty("insecureTls").GetBoolean());
            Assert.Equal(JsonValueKind.Null, fetch.GetProperty("lastError").ValueKind);
        }

        var text = await EdgeMailProcess.RunAsync(["fetch", "status", .. Box]);
        Assert.Contains("isp: imap bob@provider.test at 127.0.0.1:", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("2 fetched, last success", text.Stdout, StringComparison.Ordinal);

        var remove = await EdgeMailProcess.RunAsync(["fetch", "remove", "isp", .. Box]);
        Assert.True(remove.ExitCode == 0, remove.Stderr);
        Assert.Contains("the running service stopped fetching it", remove.Stdout, StringComparison.Ordinal);
        var gone = await EdgeMailProcess.RunAsync(["fetch", "run", "isp", .. Box]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal("edgemail: no fetch account isp (see edgemail fetch list)\n", gone.Stderr);
        Assert.Equal(2, (await LocalSubjectsAsync()).Count);

        // Nothing printed or logged anywhere holds the password.
        EdgeMailProcess.SendSignal(_boxServe.Process, "TERM");
        var logs = string.Join("\n", await _boxServe.Drained);
        await _boxServe.Process.WaitForExitAsync();
        _boxServe.Process.Dispose();
        _boxServe = null;
        foreach (var output in new[] { add.Stdout, add.Stderr, list.Stdout, run.Stdout, status.Stdout, text.Stdout, logs })
        {
            Assert.DoesNotContain(RemotePassword, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Bad_arguments_are_one_line_and_exit_code_2_or_1()
    {
        var noAccount = await EdgeMailProcess.RunAsync(
            ["fetch", "add", "x", "--host", "imap.example.net", "--user", "u", "--to", "nobody@edgemail.local", "--password-stdin", .. Box], "pw\n");
        Assert.Equal(1, noAccount.ExitCode);
        Assert.Equal("edgemail: no local account nobody@edgemail.local (edgemail user add nobody@edgemail.local)\n", noAccount.Stderr);

        var badRemote = await EdgeMailProcess.RunAsync(
            ["fetch", "add", "x", "--host", "imap.example.net", "--user", "u", "--to", LocalUser, "--remote", "shred", "--password-stdin", .. Box], "pw\n");
        Assert.NotEqual(0, badRemote.ExitCode);
        Assert.Contains("--remote is keep, delete or move:FOLDER", badRemote.Stderr, StringComparison.Ordinal);
        Assert.Single(badRemote.Stderr.TrimEnd('\n').Split('\n'));

        var popMove = await EdgeMailProcess.RunAsync(
            ["fetch", "add", "x", "--protocol", "pop3", "--host", "pop.example.net", "--user", "u", "--to", LocalUser, "--remote", "move:Old", "--password-stdin", .. Box], "pw\n");
        Assert.NotEqual(0, popMove.ExitCode);
        Assert.Contains("POP3 cannot move messages", popMove.Stderr, StringComparison.Ordinal);

        var run = await EdgeMailProcess.RunAsync(["fetch", "run", .. Box]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no service is running", run.Stderr, StringComparison.Ordinal);
    }

    private async Task EventuallyIdleAsync() =>
        await Eventually.TrueAsync(async () =>
        {
            var status = await EdgeMailProcess.RunAsync(["status", "--json", .. Box]);
            using var json = JsonDocument.Parse(status.Stdout);
            return json.RootElement.GetProperty("fetch")[0].GetProperty("idling").GetBoolean();
        }, "the fetch account waits in IDLE", TimeSpan.FromSeconds(30));

    private async Task SendToProviderAsync(string subject)
    {
        using var smtp = new SmtpClient();
        await smtp.ConnectAsync("127.0.0.1", _providerSmtp, SecureSocketOptions.None);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.org"));
        message.To.Add(MailboxAddress.Parse(RemoteUser));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "hello" };
        await smtp.SendAsync(message);
        await smtp.DisconnectAsync(true);
    }

    private async Task<List<string>> LocalSubjectsAsync()
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", _boxImap, SecureSocketOptions.None);
        await client.AuthenticateAsync(LocalUser, LocalPassword);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var subjects = new List<string>();
        if (client.Inbox.Count > 0)
        {
            var summaries = await client.Inbox.FetchAsync(0, -1, new MailKit.FetchRequest(MailKit.MessageSummaryItems.Envelope));
            subjects.AddRange(summaries.Select(s => s.Envelope?.Subject ?? ""));
        }

        await client.DisconnectAsync(true);
        return subjects;
    }
}
