using EdgeMail.Testing;
using EdgeMail.Tests.Support;

namespace EdgeMail.Tests;

/// <summary>An admin verb run as root (as these tests are) on the service's folder leaves no root-owned file there.</summary>
public sealed class RootOwnershipTests : IDisposable
{
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task User_add_as_root_on_a_folder_owned_by_nobody_creates_only_files_of_nobody()
    {
        Assert.True(Environment.UserName == "root", "this test needs root (it checks what root leaves behind)");
        var data = Path.Combine(_data.Path, "data");
        Directory.CreateDirectory(data);
        await Shell.RunAsync("chown", "65534:65534", data);

        var add = await EdgeMailProcess.RunAsync(["user", "add", "ann@edgemail.local", "--password-stdin", "--data", data], "correct horse\n");
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "list", "--data", data])).ExitCode);
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["queue", "list", "--data", data])).ExitCode);

        // The secret box's key file, made by the first `user 2fa enable`, is the service's too (and 0600).
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "2fa", "enable", "ann@edgemail.local", "--data", data])).ExitCode);
        Assert.True(File.Exists(Path.Combine(data, "secret.key")));

        // A fetch account's sealed password: the service (nobody here) must be able to open what root sealed.
        var fetch = await EdgeMailProcess.RunAsync(["fetch", "add", "isp", "--host", "imap.example.net", "--user", "ann", "--to", "ann@edgemail.local", "--password-stdin", "--data", data], "provider pw\n");
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);

        Assert.True(File.Exists(Path.Combine(data, "edgemail.db")));
        Assert.Equal(string.Empty, (await Shell.RunAsync("find", data, "-uid", "0")).Trim());
        Assert.Equal(string.Empty, (await Shell.RunAsync("find", data, "-not", "-uid", "65534")).Trim());
    }

    [Fact]
    public async Task A_folder_owned_by_root_stays_roots()
    {
        var add = await EdgeMailProcess.RunAsync(["user", "add", "ann@edgemail.local", "--password-stdin", "--data", _data.Path], "correct horse\n");
        Assert.True(add.ExitCode == 0, add.Stderr);
        Assert.Equal(string.Empty, (await Shell.RunAsync("find", _data.Path, "-not", "-uid", "0")).Trim());
    }
}
