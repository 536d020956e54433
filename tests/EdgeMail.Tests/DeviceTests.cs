using System.Net;
using System.Text.Json;
using EdgeMail.Testing;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace EdgeMail.Tests;

/// <summary>`device list|add|revoke`, `pair` and the pairing window in `status`, on the real program and `serve`.</summary>
public sealed class DeviceTests : IAsyncLifetime
{
    private const string Ann = "ann@edgemail.local";
    private const string Password = "ann's main password";

    private readonly TempFolder _data = new();
    private readonly int _imap = EdgeMailProcess.FreePort();
    private readonly int _pop3 = EdgeMailProcess.FreePort();
    private readonly int _submission = EdgeMailProcess.FreePort();
    private ServeProcess? _serve;

    public Task InitializeAsync() => EdgeMailProcess.AddUserAsync(EdgeMailProcess.Program, _data.Path, Ann, Password);

    public async Task DisposeAsync()
    {
        if (_serve is not null)
        {
            await _serve.StopAsync(TimeSpan.FromSeconds(30));
            _serve.Process.Dispose();
        }

        _data.Dispose();
    }

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        EdgeMailProcess.RunAsync([.. args, "--data", _data.Path]);

    private async Task StartServeAsync()
    {
        var args = ServeProcess.OnlyArguments(_data.Path, ("Imap:Port", _imap), ("Pop3:Port", _pop3), ("Smtp:SubmissionPort", _submission));
        _serve = await ServeProcess.StartAsync(EdgeMailProcess.StartInfo(args), TimeSpan.FromSeconds(60));
    }

    private async Task<string> AddDeviceAsync(string name)
    {
        var add = await RunAsync("device", "add", Ann, name);
        Assert.True(add.ExitCode == 0, add.Stderr);
        var lines = add.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("shown only now", lines[0], StringComparison.Ordinal);
        Assert.Matches("^[a-z2-7]{4}(-[a-z2-7]{4}){4}$", lines[1]);
        return lines[1];
    }

    private async Task<JsonElement[]> ListJsonAsync()
    {
        var list = await RunAsync("device", "list", Ann, "--json");
        Assert.True(list.ExitCode == 0, list.Stderr);
        using var json = JsonDocument.Parse(list.Stdout);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public async Task Device_add_list_and_revoke_work_offline_and_every_mistake_is_one_line_with_exit_1()
    {
        var password = await AddDeviceAsync("Ann's phone");
        Assert.NotEmpty(password);

        var list = await RunAsync("device", "list");
        Assert.True(list.ExitCode == 0, list.Stderr);
        Assert.Contains("Ann's phone", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("never", list.Stdout, StringComparison.Ordinal);
        var entry = Assert.Single(await ListJsonAsync());
        Assert.Equal("Ann's phone", entry.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("lastUsed").ValueKind);

        foreach (var (args, says) in new (string[], string)[]
        {
            (["device", "add", Ann, "Ann's phone"], "already exists"),
            (["device", "add", Ann, "bad\u0007name"], "control"),
            (["device", "add", "bob@edgemail.local", "phone"], "no account bob@edgemail.local"),
            (["device", "revoke", Ann, "laptop"], "has no device named laptop"),
            (["device", "list", "bob@edgemail.local"], "no account bob@edgemail.local"),
        })
        {
            var result = await RunAsync(args);
            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("edgemail: ", line, StringComparison.Ordinal);
            Assert.Contains(says, line, StringComparison.Ordinal);
        }

        var revoke = await RunAsync("device", "revoke", Ann, "Ann's phone");
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);
        Assert.Contains("no service is running", revoke.Stdout, StringComparison.Ordinal);
        Assert.Empty(await ListJsonAsync());
    }

    [Fact]
    public async Task Pair_without_a_running_service_says_so_in_one_line_and_exits_1()
    {
        foreach (var args in new[] { new[] { "pair" }, new[] { "pair", "--close" } })
        {
            var result = await RunAsync(args);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"edgemail: no service is running for {_data.Path}: the pairing window is the running service's (start it with `edgemail serve`)", result.Stderr.Trim());
        }

        var status = await RunAsync("status", "--json");
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.False(json.RootElement.GetProperty("pairing").GetProperty("open").GetBoolean());
    }

    [Theory]
    [InlineData("--Device:Pairing:Window=00:00:01", "edgemail: Device:Pairing:Window must be between 00:00:10 and 01:00:00 (is 00:00:01)")]
    [InlineData("--Device:Pairing:Window=abc", "edgemail: Device:Pairing:Window: 'abc' is not a duration")]
    [InlineData("--Device:Pairing:Windw=00:01:00", "edgemail: Device:Pairing: unknown setting Device:Pairing:Windw")]
    public async Task A_bad_pairing_window_setting_is_one_line_naming_the_key(string setting, string says)
    {
        var result = await RunAsync("status", setting);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith(says, result.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pair_opens_and_closes_the_running_services_window_and_status_shows_it()
    {
        await StartServeAsync();
        var open = await RunAsync("pair");
        Assert.True(open.ExitCode == 0, open.Stderr);
        Assert.Contains("pairing window open for 120 s", open.Stdout, StringComparison.Ordinal);

        using (var json = JsonDocument.Parse((await RunAsync("status", "--json")).Stdout))
        {
            var pairing = json.RootElement.GetProperty("pairing");
            Assert.True(pairing.GetProperty("open").GetBoolean());
            Assert.InRange(pairing.GetProperty("secondsLeft").GetInt32(), 1, 120);
            Assert.Equal(120, pairing.GetProperty("windowSeconds").GetInt32());
        }

        Assert.Contains("pairing window:  open, ", (await RunAsync("status")).Stdout, StringComparison.Ordinal);

        var close = await RunAsync("pair", "--close");
        Assert.True(close.ExitCode == 0, close.Stderr);
        Assert.Equal("pairing window closed", close.Stdout.Trim());
        Assert.Equal("no pairing window was open", (await RunAsync("pair", "--close")).Stdout.Trim());
        using (var json = JsonDocument.Parse((await RunAsync("status", "--json")).Stdout))
        {
            Assert.False(json.RootElement.GetProperty("pairing").GetProperty("open").GetBoolean());
            Assert.Equal(0, json.RootElement.GetProperty("pairing").GetProperty("secondsLeft").GetInt32());
        }
    }

    [Fact]
    public async Task An_app_password_logs_in_over_IMAP_POP3_and_submission_and_its_last_use_is_recorded_with_the_address()
    {
        await StartServeAsync();
        var password = await AddDeviceAsync("phone");
        var credential = new NetworkCredential(Ann, password);

        using (var imap = new ImapClient { LocalEndPoint = new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0) })
        {
            await imap.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(credential);
            Assert.True(imap.IsAuthenticated);
        }

        using (var pop3 = new Pop3Client())
        {
            await pop3.ConnectAsync("127.0.0.1", _pop3, SecureSocketOptions.None);
            await pop3.AuthenticateAsync(credential);
            Assert.True(pop3.IsAuthenticated);
        }

        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", _submission, SecureSocketOptions.None);
            await smtp.AuthenticateAsync(credential);
            Assert.True(smtp.IsAuthenticated);
        }

        // The first login wrote where it came from; the later ones, from another address within the hour, too.
        var entry = Assert.Single(await ListJsonAsync());
        Assert.Equal("127.0.0.1", entry.GetProperty("lastUsedFrom").GetString());
        var used = entry.GetProperty("lastUsed").GetDateTimeOffset();
        Assert.InRange(used, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Contains("127.0.0.1", (await RunAsync("device", "list")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoking_through_the_running_service_ends_an_open_IMAP_session_and_refuses_the_next_login()
    {
        await StartServeAsync();
        var password = await AddDeviceAsync("phone");
        await using var open = await LoopbackClient.ConnectAsync("127.0.0.1", _imap);
        Assert.StartsWith("* OK", await open.ReadLineAsync());
        Assert.StartsWith("a1 OK", await open.ImapAsync($"LOGIN \"{Ann}\" \"{password}\""));
        Assert.StartsWith("a2 OK", await open.ImapAsync("SELECT INBOX"));

        // A session on the main password is not affected.
        await using var main = await LoopbackClient.ConnectAsync("127.0.0.1", _imap);
        Assert.StartsWith("* OK", await main.ReadLineAsync());
        Assert.StartsWith("a1 OK", await main.ImapAsync($"LOGIN \"{Ann}\" \"{Password}\""));

        var revoke = await RunAsync("device", "revoke", Ann, "phone");
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);
        Assert.Equal("revoked phone of ann@edgemail.local; its open sessions were ended", revoke.Stdout.Trim());

        Assert.Equal("* BYE the app password of this session was revoked", await open.ReadLineAsync());
        Assert.Null(await open.ReadLineAsync());

        using var again = new ImapClient();
        await again.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => again.AuthenticateAsync(new NetworkCredential(Ann, password)));
        Assert.StartsWith("a2 OK", await main.ImapAsync("NOOP"));
        Assert.Empty(await ListJsonAsync());
    }

    [Fact]
    public async Task Revoking_ends_an_open_POP3_session_without_deleting_and_an_open_submission_session_with_421()
    {
        await StartServeAsync();
        var password = await AddDeviceAsync("laptop");

        // The laptop sends ann a message over submission, then its POP3 client marks it for deletion.
        await using var smtp = await LoopbackClient.ConnectAsync("127.0.0.1", _submission);
        Assert.StartsWith("220 ", await smtp.ReadReplyAsync());
        await smtp.SendAsync("EHLO laptop.lan");
        Assert.StartsWith("250 ", await smtp.ReadReplyAsync());
        await smtp.SendAsync("AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{Ann}\0{password}")));
        Assert.StartsWith("235 ", await smtp.ReadReplyAsync());
        foreach (var (line, reply) in new[] { ($"MAIL FROM:<{Ann}>", "250 "), ($"RCPT TO:<{Ann}>", "250 "), ("DATA", "354 "), ("Subject: note\r\n\r\nkeep me\r\n.", "250 ") })
        {
            await smtp.SendAsync(line);
            Assert.StartsWith(reply, await smtp.ReadReplyAsync());
        }

        await using var pop3 = await LoopbackClient.ConnectAsync("127.0.0.1", _pop3);
        Assert.StartsWith("+OK", await pop3.ReadLineAsync());
        await pop3.SendAsync("USER " + Ann);
        Assert.StartsWith("+OK", await pop3.ReadLineAsync());
        await pop3.SendAsync("PASS " + password);
        Assert.StartsWith("+OK", await pop3.ReadLineAsync());
        await pop3.SendAsync("DELE 1");
        Assert.StartsWith("+OK", await pop3.ReadLineAsync());

        var revoke = await RunAsync("device", "revoke", Ann, "laptop");
        Assert.True(revoke.ExitCode == 0, revoke.Stderr);

        Assert.StartsWith("-ERR [AUTH]", await pop3.ReadLineAsync());
        Assert.True(await pop3.ClosesAsync());
        Assert.StartsWith("421 4.7.0", await smtp.ReadReplyAsync());
        Assert.True(await smtp.ClosesAsync());

        // The POP3 session ended without its UPDATE state (RFC 1939 §6): the message is still there.
        using var imap = new ImapClient();
        await imap.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
        await imap.AuthenticateAsync(Ann, Password);
        await imap.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        Assert.Equal(1, imap.Inbox.Count);
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task User_passwd_keeps_app_passwords_working_over_every_mechanism(string mechanism)
    {
        await StartServeAsync();
        var password = await AddDeviceAsync("phone");
        Assert.True(await LogsInAsync(mechanism, password), $"{mechanism} before user passwd");

        var passwd = await EdgeMailProcess.RunAsync(["user", "passwd", Ann, "--password-stdin", "--data", _data.Path], "ann's second password\n");
        Assert.True(passwd.ExitCode == 0, passwd.Stderr);

        Assert.True(await LogsInAsync(mechanism, password), $"{mechanism} after user passwd");
        Assert.True(await LogsInAsync(mechanism, "ann's second password"), $"{mechanism}: the new main password");
        Assert.False(await LogsInAsync(mechanism, Password), $"{mechanism}: the old main password still works");
    }

    // Over IMAP and submission (POP3 shares the SASL layer), with exactly the one mechanism.
    private async Task<bool> LogsInAsync(string mechanism, string password)
    {
        SaslMechanism Sasl() => mechanism switch
        {
            "SCRAM-SHA-256" => new SaslMechanismScramSha256(Ann, password),
            "PLAIN" => new SaslMechanismPlain(Ann, password),
            _ => new SaslMechanismLogin(Ann, password),
        };

        try
        {
            using var imap = new ImapClient();
            await imap.ConnectAsync("127.0.0.1", _imap, SecureSocketOptions.None);
            await imap.AuthenticateAsync(Sasl());
            using var smtp = new SmtpClient();
            await smtp.ConnectAsync("127.0.0.1", _submission, SecureSocketOptions.None);
            await smtp.AuthenticateAsync(Sasl());
            return imap.IsAuthenticated && smtp.IsAuthenticated;
        }
        catch (AuthenticationException)
        {
            return false;
        }
    }
}
