using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EdgeMail.Testing;
using EdgeMail.Tests.Support;

namespace EdgeMail.Tests;

/// <summary>The mistakes a new user makes in the first hour, on the real program: one line on stderr, exit 1.</summary>
public sealed class FirstRunErrorTests : IDisposable
{
    private static readonly Dictionary<string, string> NoSystemConfig = new() { ["EDGEMAIL_SYSTEM_CONFIG"] = "" };

    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("--Imap:Port=abc", "Imap:Port: 'abc' is not a whole number")]
    [InlineData("--Network:DrainTimeout=xyz", "Network:DrainTimeout: 'xyz' is not a duration such as 00:00:30")]
    [InlineData("--Pop3:DeleteMode=Trash", "Pop3:DeleteMode: 'Trash' is not one of Expunge, MoveToTrash, Keep")]
    [InlineData("--Relay:Security=Tls", "Relay:Security: 'Tls' is not one of None, StartTls, Implicit")]
    [InlineData("--Foo:Bar=1", "Foo: unknown section (the sections are Storage, Network")]
    [InlineData("--Network:Bind=notanip", "edgemail: Network:Bind: 'notanip' is not an IP address")]
    [InlineData("--Tls:CertificatePath=/nonexistent.pem", "edgemail: Tls:KeyPath is required")]
    [InlineData("--Storage:MaxBatchWrites=0", "edgemail: Storage:MaxBatchWrites must be between 1 and 10000 (is 0)")]
    [InlineData("--Storage:MinFreeBytes=-1", "edgemail: Storage:MinFreeBytes must be between 0 and 1099511627776 (is -1)")]
    [InlineData("--Imap:LoginDeadline=00:00:01", "edgemail: Imap:LoginDeadline must be between 00:00:10 and 1.00:00:00 (is 00:00:01)")]
    [InlineData("--Pop3:LoginDeadline=00:05:00", "edgemail: Pop3:LoginDeadline must be between 00:10:00 and 1.00:00:00 (is 00:05:00)")]
    [InlineData("--Smtp:AuthDeadline=00:00:00", "edgemail: Smtp:AuthDeadline must be between 00:00:10 and 1.00:00:00 (is 00:00:00)")]
    [InlineData("--Smtp:SessionDeadline=00:01:00", "edgemail: Smtp:SessionDeadline must be between 00:05:00 and 1.00:00:00 (is 00:01:00)")]
    public async Task A_bad_setting_is_one_line_naming_key_value_and_expectation(string setting, string expected)
    {
        foreach (var verb in new[] { "status", "serve" })
        {
            var result = await EdgeMailProcess.RunAsync([verb, "--data", _data.Path, setting]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_section_in_the_file_is_refused_like_an_unknown_key()
    {
        await File.WriteAllTextAsync(Path.Combine(_data.Path, "edgemail.json"), """{ "Imapp": { "Port": 143 } }""");
        var result = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("edgemail: Imapp: unknown section", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_one_line_without_a_stack_trace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var result = await EdgeMailProcess.RunAsync([
            "serve", "--data", _data.Path, $"--Imap:Port={port}", "--Imap:TlsPort=0", "--Pop3:Port=0", "--Pop3:TlsPort=0",
            "--Smtp:Port=0", "--Smtp:SubmissionPort=0", "--Smtp:TlsPort=0"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains($"imap: cannot listen on 127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_folder_under_a_file_is_our_own_sentence()
    {
        var file = Path.Combine(_data.Path, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var data = Path.Combine(file, "data");
        foreach (var verb in new[] { new[] { "serve" }, ["user", "list"], ["status"] })
        {
            var result = await EdgeMailProcess.RunAsync([.. verb, "--data", data]);
            Assert.True(verb[0] == "status" ? result.ExitCode == 0 : result.ExitCode == 1, result.Stderr);
            if (verb[0] != "status")
            {
                Assert.Equal($"edgemail: the data folder {data} cannot be created: {file} is a file, not a folder", result.Stderr.Trim());
            }
        }
    }

    [Fact]
    public async Task A_data_folder_the_user_cannot_write_is_our_own_sentence_and_no_SqliteException()
    {
        // Root can write anywhere, but edgemail run as root becomes the folder's owner (here nobody), who cannot.
        var data = Path.Combine(_data.Path, "data");
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", "ann@edgemail.local", "--password-stdin", "--data", data], "correct horse\n")).ExitCode);
        await Shell.RunAsync("chown", "-R", "65534:65534", data);
        await Shell.RunAsync("chmod", "0555", data);
        foreach (var verb in new[] { new[] { "status" }, ["user", "list"], ["user", "add", "bob@edgemail.local", "--password-stdin"], ["queue", "list"] })
        {
            // Standard input only for the verb that reads it: the others may exit before it is written (EPIPE).
            var result = await EdgeMailProcess.RunAsync([.. verb, "--data", data], verb.Contains("add") ? "correct horse\n" : null);
            Assert.Equal(1, result.ExitCode);
            Assert.Single(result.Stderr.Trim().Split('\n'));
            Assert.StartsWith($"edgemail: cannot write to the data folder {data} (owned by uid 65534, mode 0555", result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", result.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_account_outside_the_configured_domains_is_refused_naming_them()
    {
        // No standard input: the refusal comes before the password is read, and the program may be gone before a write.
        var result = await EdgeMailProcess.RunAsync(["user", "add", "eve@other.example", "--password-stdin", "--data", _data.Path, "--Domains=edgemail.local,home.example"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("edgemail: other.example is not one of the local domains (Domains: edgemail.local, home.example)", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data.Path, "edgemail.db")));

        var ok = await EdgeMailProcess.RunAsync(["user", "add", "eve@Home.Example", "--password-stdin", "--data", _data.Path, "--Domains=edgemail.local,home.example"], "correct horse\n");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
    }

    [Fact]
    public async Task User_add_without_an_address_says_the_address_is_missing()
    {
        var result = await EdgeMailProcess.RunAsync(["user", "add", "--data", _data.Path]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("edgemail: user add: missing the address", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Status_without_a_service_lists_nothing_as_listening_and_no_web_port_and_says_outbound_mail_cannot_leave()
    {
        var text = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path], environment: NoSystemConfig);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("service:         not running", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("listening on:    nothing (the service is not running)", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("outbound mail:   cannot leave: no Relay:Host is configured", text.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("web", text.Stdout, StringComparison.Ordinal);

        var relayed = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path, "--Relay:Host=smtp.example.net"]);
        Assert.Contains("outbound mail:   through smtp.example.net:587", relayed.Stdout, StringComparison.Ordinal);

        using var json = JsonDocument.Parse((await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path])).Stdout);
        Assert.False(json.RootElement.GetProperty("running").GetBoolean());
        Assert.False(json.RootElement.GetProperty("outboundPossible").GetBoolean());
        Assert.Empty(json.RootElement.GetProperty("listening").EnumerateArray());
        Assert.False(json.RootElement.GetProperty("ports").TryGetProperty("web", out _));
    }

    [Fact]
    public async Task Status_on_a_folder_without_a_database_says_so_and_creates_nothing()
    {
        var missing = Path.Combine(_data.Path, "not-yet");
        var result = await EdgeMailProcess.RunAsync(["status", "--data", missing]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"data folder:     {missing} (no mail store yet", result.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));

        var empty = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path]);
        using var json = JsonDocument.Parse(empty.Stdout);
        Assert.False(json.RootElement.GetProperty("storeExists").GetBoolean());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_data.Path));
    }

    [Fact]
    public async Task A_sendmail_link_to_the_framework_dependent_apphost_is_recognised()
    {
        // The build's apphost, `edgemail` beside edgemail.dll, linked as sendmail (the published binary works the same).
        var apphost = Path.Combine(AppContext.BaseDirectory, "edgemail");
        Assert.True(File.Exists(apphost), $"no apphost at {apphost}");
        var link = Path.Combine(_data.Path, "sendmail");
        File.CreateSymbolicLink(link, apphost);
        var result = await EdgeMailProcess.RunProgramAsync(link, ["-t", "-i", "--data", _data.Path, $"--Smtp:Port={EdgeMailProcess.FreePort()}"], "To: someone@example.net\nSubject: x\n\nbody\n");
        Assert.Equal(75, result.ExitCode);
        Assert.Contains("is `edgemail serve` running?", result.Stderr, StringComparison.Ordinal);
    }
}
