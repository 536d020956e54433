using System.Text.Json;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>
/// The installed /etc/edgemail/edgemail.json (moved for tests by EDGEMAIL_SYSTEM_CONFIG): the admin verbs use it when
/// given neither --config nor --data; serve never does.
/// </summary>
public sealed class SystemConfigTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string SystemConfig => Path.Combine(_folder.Path, "edgemail.json");

    private Dictionary<string, string> Environment => new() { ["EDGEMAIL_SYSTEM_CONFIG"] = SystemConfig };

    [Fact]
    public async Task Admin_verbs_without_config_or_data_read_the_system_file()
    {
        var data = Path.Combine(_folder.Path, "data");
        await File.WriteAllTextAsync(SystemConfig, JsonSerializer.Serialize(new { Storage = new { Path = data }, Domains = new[] { "home.example" }, Imap = new { Port = 2143 } }));

        var add = await EdgeMailProcess.RunAsync(["user", "add", "ann@home.example", "--password-stdin"], "correct horse\n", Environment);
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.True(File.Exists(Path.Combine(data, "edgemail.db")));
        Assert.StartsWith("ann@home.example ", (await EdgeMailProcess.RunAsync(["user", "list"], environment: Environment)).Stdout.Trim(), StringComparison.Ordinal);

        var status = await EdgeMailProcess.RunAsync(["status", "--json"], environment: Environment);
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal(data, json.RootElement.GetProperty("dataPath").GetString());
        Assert.Equal(2143, json.RootElement.GetProperty("ports").GetProperty("imap").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("accounts").GetInt32());

        // --data: the system file is not used (its Domains would allow home.example).
        var other = Path.Combine(_folder.Path, "other");
        var refused = await EdgeMailProcess.RunAsync(["user", "add", "bob@home.example", "--password-stdin", "--data", other], environment: Environment);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Domains: edgemail.local", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_never_falls_back_to_the_system_file()
    {
        // Were it read, its unknown section would be the first error; serve reports the command line's instead.
        await File.WriteAllTextAsync(SystemConfig, """{ "Foo": { "Bar": 1 } }""");
        Assert.StartsWith("edgemail: Foo: unknown section", (await EdgeMailProcess.RunAsync(["status"], environment: Environment)).Stderr, StringComparison.Ordinal);

        var serve = await EdgeMailProcess.RunAsync(["serve", "--Network:Bind=notanip"], environment: Environment);
        Assert.Equal(1, serve.ExitCode);
        Assert.StartsWith("edgemail: Network:Bind: 'notanip'", serve.Stderr, StringComparison.Ordinal);
    }
}
