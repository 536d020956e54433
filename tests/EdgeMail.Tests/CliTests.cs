using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

public sealed class CliTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task User_add_then_list_shows_the_account_and_exits_0()
    {
        var add = await EdgeMailProcess.RunAsync(["user", "add", "Alice@EdgeMail.local", "--password-stdin", "--data", _data.Path], "correct horse\n");
        Assert.Equal(0, add.ExitCode);
        var list = await EdgeMailProcess.RunAsync(["user", "list", "--data", _data.Path]);
        Assert.Equal(0, list.ExitCode);
        Assert.Equal("alice@edgemail.local  admin  2fa off", list.Stdout.Trim());
    }

    [Fact]
    public async Task Adding_an_existing_user_fails_with_exit_1_and_one_line()
    {
        await EdgeMailProcess.RunAsync(["user", "add", "bob@edgemail.local", "--password-stdin", "--data", _data.Path], "correct horse\n");
        var again = await EdgeMailProcess.RunAsync(["user", "add", "bob@edgemail.local", "--password-stdin", "--data", _data.Path], "correct horse\n");
        Assert.Equal(1, again.ExitCode);
        Assert.Single(again.Stderr.Trim().Split('\n'));
        Assert.Contains("already exists", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Short_password_is_refused_with_exit_1()
    {
        var add = await EdgeMailProcess.RunAsync(["user", "add", "carol@edgemail.local", "--password-stdin", "--data", _data.Path], "short\n");
        Assert.Equal(1, add.ExitCode);
        var list = await EdgeMailProcess.RunAsync(["user", "list", "--data", _data.Path]);
        Assert.Equal(string.Empty, list.Stdout.Trim());
    }

    [Fact]
    public async Task Remove_deletes_the_account_and_removing_it_again_fails()
    {
        await EdgeMailProcess.RunAsync(["user", "add", "dave@edgemail.local", "--password-stdin", "--data", _data.Path], "correct horse\n");
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "remove", "dave@edgemail.local", "--data", _data.Path])).ExitCode);
        Assert.Equal(1, (await EdgeMailProcess.RunAsync(["user", "remove", "dave@edgemail.local", "--data", _data.Path])).ExitCode);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("user")]
    [InlineData("user", "add")]
    [InlineData("status", "--no-such-switch")]
    public async Task Bad_usage_exits_2(params string[] args)
    {
        var result = await EdgeMailProcess.RunAsync([.. args, "--data", _data.Path]);
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("edgemail: ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_setting_fails_with_exit_1_naming_the_key()
    {
        var result = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path, "--Smtp:SubmissionPort=70000"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Smtp:SubmissionPort", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_misspelt_setting_fails_naming_it_instead_of_being_ignored()
    {
        var file = Path.Combine(_data.Path, "edgemail.json");
        await File.WriteAllTextAsync(file, """{ "Pop3": { "DeleteMdoe": "Keep" } }""");
        var result = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Pop3:DeleteMdoe", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Configuration_precedence_is_defaults_then_file_then_environment_then_command_line()
    {
        var file = Path.Combine(_data.Path, "edgemail.json");
        await File.WriteAllTextAsync(file, """{ "Imap": { "Port": 2001, "TlsPort": 2002 }, "Pop3": { "Port": 2003 } }""");
        var env = new Dictionary<string, string> { ["EDGEMAIL_Imap__TlsPort"] = "3002", ["EDGEMAIL_Pop3__Port"] = "3003" };
        var result = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path, "--Pop3:Port=4003"], environment: env);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var ports = json.RootElement.GetProperty("ports");
        Assert.Equal(2001, ports.GetProperty("imap").GetInt32());   // file over default 1143
        Assert.Equal(3002, ports.GetProperty("imaps").GetInt32());  // environment over file
        Assert.Equal(4003, ports.GetProperty("pop3").GetInt32());   // command line over environment
        Assert.Equal(1995, ports.GetProperty("pop3s").GetInt32());  // compiled default
    }

    [Fact]
    public async Task Config_switch_reads_the_named_file_and_a_missing_file_is_an_error()
    {
        var file = Path.Combine(_data.Path, "other.json");
        await File.WriteAllTextAsync(file, """{ "Smtp": { "Port": 2525, "TlsPort": 0 }, "Domains": [ "a.example", "b.example" ] }""");
        var result = await EdgeMailProcess.RunAsync(["status", "--json", "--data", _data.Path, "--config", file]);
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("ports").GetProperty("submissions").GetInt32());
        Assert.Equal(["a.example", "b.example"], json.RootElement.GetProperty("domains").EnumerateArray().Select(e => e.GetString()!).ToArray());

        var missing = await EdgeMailProcess.RunAsync(["status", "--data", _data.Path, "--config", Path.Combine(_data.Path, "nope.json")]);
        Assert.Equal(2, missing.ExitCode);
    }
}
