using System.Net;
using System.Net.Sockets;
using EdgeMail.Testing;
using EdgeMail.Tests.Support;

namespace EdgeMail.Tests.Hosting;

/// <summary>`edgemail serve --check`: the configuration as serve loads it, validated, and nothing else done.</summary>
public sealed class ServeCheckTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A data folder that does not exist, and must not after the check.</summary>
    private string Absent => Path.Combine(_folder.Path, "data");

    private async Task<string> FileAsync(string name, string json)
    {
        var path = Path.Combine(_folder.Path, name);
        await File.WriteAllTextAsync(path, json);
        return path;
    }

    private static void AssertOneLineError(int exit, string stdout, string stderr, string expected)
    {
        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("edgemail: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_shipped_firmware_config_passes_as_installed()
    {
        var file = Path.Combine(Repository.Root, "firmware-config", "edgemail.json");
        var installedData = "/var/lib/edgemail";
        var existed = Directory.Exists(installedData);

        var (exit, stdout, stderr) = await EdgeMailProcess.RunAsync(["serve", "--config", file, "--check"]);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"configuration OK: {file}\n", stdout);
        Assert.Equal(string.Empty, stderr);
        Assert.Equal(existed, Directory.Exists(installedData));
    }

    [Fact]
    public async Task The_check_opens_no_store_and_binds_no_port()
    {
        // The file's IMAP port is held here: serve would fail to bind it, the check does not try.
        using var held = new TcpListener(IPAddress.Loopback, 0);
        held.Start();
        var port = ((IPEndPoint)held.LocalEndpoint).Port;
        var file = await FileAsync("edgemail.json", $$"""
            {
              "Storage": { "Path": "{{Absent}}" },
              "Network": { "Bind": "127.0.0.1" },
              "Imap": { "Port": {{port}} },
              "Device": { "Gpio": { "Driver": "LibGpiod" } }
            }
            """);

        var (exit, stdout, stderr) = await EdgeMailProcess.RunAsync(["serve", "--check", "--config", file]);

        Assert.True(exit == 0, stderr);
        Assert.Equal($"configuration OK: {file}\n", stdout);
        Assert.False(Directory.Exists(Absent), "the check made the data folder");
    }

    [Theory]
    [InlineData("""{ "Imap": { "Port": 70000 } }""", "Imap:Port must be a port from 0 (off) to 65535 (is 70000)")]
    [InlineData("""{ "Device": { "Gpio": { "Driver": "WiringPi" } } }""", "Device:Gpio:Driver: 'WiringPi' is not one of Virtual, LibGpiod")]
    [InlineData("""{ "Device": { "Gpio": { "Driver": "SysFs" } } }""", "Device:Gpio:Driver SysFs is not available")]
    [InlineData("""{ "Imap": { "Port": 143 }""", "bad.json is not valid JSON (line 1, byte 26)")]
    [InlineData("{\n  \"Imap\": { \"Port\": 143 },\n  \"Pop3\": { \"Port\": 110 ]\n}", "bad.json is not valid JSON (line 3, byte 25)")]
    [InlineData("""{ "Imapp": { "Port": 143 } }""", "Imapp: unknown section")]
    public async Task A_bad_file_fails_with_one_line_and_exit_1_and_creates_nothing(string json, string expected)
    {
        var file = await FileAsync("bad.json", json);

        var (exit, stdout, stderr) = await EdgeMailProcess.RunAsync(["serve", "--check", "--config", file, "--data", Absent]);

        AssertOneLineError(exit, stdout, stderr, expected);
        Assert.False(Directory.Exists(Absent), "the check made the data folder");
    }

    [Fact]
    public async Task Settings_on_the_command_line_are_checked_over_the_file()
    {
        var firmware = Path.Combine(Repository.Root, "firmware-config", "edgemail.json");
        var broken = await EdgeMailProcess.RunAsync(["serve", "--check", "--config", firmware, "--data", Absent, "--Imap:TlsPort=-1"]);
        AssertOneLineError(broken.ExitCode, broken.Stdout, broken.Stderr, "Imap:TlsPort must be a port");

        var badDriver = await FileAsync("driver.json", """{ "Device": { "Gpio": { "Driver": "WiringPi" } } }""");
        var mended = await EdgeMailProcess.RunAsync(["serve", "--check", "--config", badDriver, "--data", Absent, "--Device:Gpio:Driver=Virtual"]);
        Assert.True(mended.ExitCode == 0, mended.Stderr);
        Assert.Equal($"configuration OK: {badDriver}\n", mended.Stdout);
        Assert.False(Directory.Exists(Absent), "the check made the data folder");
    }

    [Fact]
    public async Task Without_config_it_checks_the_data_folders_file_as_serve_reads_it_or_else_the_defaults()
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder.Path, "with-file")).FullName;
        var inData = Path.Combine(data, "edgemail.json");
        await File.WriteAllTextAsync(inData, """{ "Pop3": { "Port": 99999 } }""");
        var bad = await EdgeMailProcess.RunAsync(["serve", "--check", "--data", data]);
        AssertOneLineError(bad.ExitCode, bad.Stdout, bad.Stderr, "Pop3:Port must be a port");

        await File.WriteAllTextAsync(inData, """{ "Pop3": { "Port": 1110 } }""");
        var good = await EdgeMailProcess.RunAsync(["serve", "--check", "--data", data]);
        Assert.True(good.ExitCode == 0, good.Stderr);
        Assert.Equal($"configuration OK: {inData}\n", good.Stdout);
        Assert.Equal(["edgemail.json"], Directory.GetFileSystemEntries(data).Select(Path.GetFileName));

        var defaults = await EdgeMailProcess.RunAsync(["serve", "--check", "--data", Absent]);
        Assert.True(defaults.ExitCode == 0, defaults.Stderr);
        Assert.Equal("configuration OK: the embedded defaults\n", defaults.Stdout);
        Assert.False(Directory.Exists(Absent), "the check made the data folder");
    }
}
