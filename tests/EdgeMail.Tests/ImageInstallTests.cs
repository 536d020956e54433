using System.Diagnostics;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>image/install.sh lays out the appliance's root file system, sendmail included.</summary>
public sealed class ImageInstallTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "EdgeMail.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("EdgeMail.sln not found above the test folder");
    }

    [Fact]
    public async Task Install_puts_the_binary_sendmail_config_and_enabled_service_in_place()
    {
        var publish = Directory.CreateDirectory(Path.Combine(_folder.Path, "publish")).FullName;
        await File.WriteAllTextAsync(Path.Combine(publish, "edgemail"), "#!/bin/sh\necho \"edgemail $*\"\n");
        await File.WriteAllTextAsync(Path.Combine(publish, "libe_sqlite3.so"), "not really a library");
        var root = Path.Combine(_folder.Path, "root");

        using (var install = Process.Start(new ProcessStartInfo("sh", [Path.Combine(RepoRoot(), "image", "install.sh"), root, publish]) { RedirectStandardError = true })!)
        {
            await install.WaitForExitAsync();
            Assert.True(install.ExitCode == 0, await install.StandardError.ReadToEndAsync());
        }

        Assert.True(File.Exists(Path.Combine(root, "usr/lib/edgemail/edgemail")));
        Assert.True(File.Exists(Path.Combine(root, "usr/lib/edgemail/libe_sqlite3.so")));
        Assert.Equal("../lib/edgemail/edgemail", new FileInfo(Path.Combine(root, "usr/bin/edgemail")).LinkTarget);
        Assert.Contains("\"Port\": 25", await File.ReadAllTextAsync(Path.Combine(root, "etc/edgemail/edgemail.json")));

        var sendmail = Path.Combine(root, "usr/sbin/sendmail");
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(sendmail).HasFlag(UnixFileMode.UserExecute));
        Assert.Contains("exec /usr/lib/edgemail/edgemail sendmail --config /etc/edgemail/edgemail.json \"$@\"", await File.ReadAllTextAsync(sendmail));

        var unit = await File.ReadAllTextAsync(Path.Combine(root, "lib/systemd/system/edgemail.service"));
        Assert.Contains("Type=notify", unit);
        Assert.Contains("ExecStart=/usr/lib/edgemail/edgemail serve --config /etc/edgemail/edgemail.json", unit);
        Assert.Equal("/lib/systemd/system/edgemail.service", new FileInfo(Path.Combine(root, "etc/systemd/system/multi-user.target.wants/edgemail.service")).LinkTarget);
        Assert.Contains("edgemail:x:990:990:", await File.ReadAllTextAsync(Path.Combine(root, "etc/passwd")));
    }
}
