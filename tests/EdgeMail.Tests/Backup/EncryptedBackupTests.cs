using System.Globalization;
using EdgeMail.Testing;

namespace EdgeMail.Tests.Backup;

/// <summary>`backup --encrypt` and its restore, through the real program: the passphrase opens it, nothing else does.</summary>
public sealed class EncryptedBackupTests : IDisposable
{
    private const string Address = "ann@edgemail.local";
    private const string Passphrase = "correct horse battery staple";
    private readonly TempFolder _data = new();
    private readonly TempFolder _target = new();

    public void Dispose()
    {
        _data.Dispose();
        _target.Dispose();
    }

    [Fact]
    public async Task An_encrypted_backup_restores_with_its_passphrase_and_refuses_a_wrong_one_or_a_damaged_file()
    {
        var added = await EdgeMailProcess.RunAsync(["user", "add", Address, "--password-stdin", "--data", _data.Path], "a-password-123\n");
        Assert.True(added.ExitCode == 0, added.Stderr);
        var smtp = EdgeMailProcess.FreePort();
        var serve = await ServeProcess.StartAsync(ServeProcess.OnlyArguments(_data.Path, ("Smtp:Port", smtp)), TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            await LanMail.SendAsync(smtp, Address, string.Create(CultureInfo.InvariantCulture, $"secret report {i}"));
        }

        var archive = Path.Combine(_target.Path, "box.backup");
        var made = await EdgeMailProcess.RunAsync(["backup", archive, "--encrypt", "--passphrase-stdin", "--data", _data.Path], Passphrase + "\n");
        Assert.Equal(0, await serve.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.True(made.ExitCode == 0, made.Stderr + made.Stdout);
        Assert.Equal([archive], Directory.GetFileSystemEntries(_target.Path));

        // Nothing of the mail is readable in the file.
        var sealedBytes = await File.ReadAllBytesAsync(archive);
        Assert.DoesNotContain("secret report", System.Text.Encoding.Latin1.GetString(sealedBytes), StringComparison.Ordinal);

        var wrong = Path.Combine(_target.Path, "wrong");
        var refused = await EdgeMailProcess.RunAsync(["restore", archive, "--passphrase-stdin", "--data", wrong], "not the passphrase\n");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("edgemail: the passphrase is wrong, or the backup is damaged", refused.Stderr.Trim());
        Assert.True(!Directory.Exists(wrong) || Directory.GetFileSystemEntries(wrong).Length == 0, "a refused archive left files behind");

        // One byte changed in the middle, or the end cut off: refused as damaged.
        var altered = Path.Combine(_target.Path, "altered.backup");
        var flipped = sealedBytes.ToArray();
        flipped[flipped.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(altered, flipped);
        var damaged = await EdgeMailProcess.RunAsync(["restore", altered, "--passphrase-stdin", "--data", Path.Combine(_target.Path, "d1")], Passphrase + "\n");
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains("damaged", damaged.Stderr, StringComparison.Ordinal);

        var cut = Path.Combine(_target.Path, "cut.backup");
        await File.WriteAllBytesAsync(cut, sealedBytes[..^100]);
        var shortened = await EdgeMailProcess.RunAsync(["restore", cut, "--passphrase-stdin", "--data", Path.Combine(_target.Path, "d2")], Passphrase + "\n");
        Assert.Equal(1, shortened.ExitCode);
        Assert.Contains("damaged", shortened.Stderr, StringComparison.Ordinal);

        var restored = Path.Combine(_target.Path, "restored");
        var opened = await EdgeMailProcess.RunAsync(["restore", archive, "--passphrase-stdin", "--data", restored], Passphrase + "\n");
        Assert.True(opened.ExitCode == 0, opened.Stderr + opened.Stdout);
        Assert.Contains("3 messages", opened.Stdout, StringComparison.Ordinal);
        Assert.Contains(": sound", opened.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(restored, ".restore")));
        var accounts = await EdgeMailProcess.RunAsync(["user", "list", "--data", restored]);
        Assert.Contains(Address, accounts.Stdout, StringComparison.Ordinal);
    }
}
