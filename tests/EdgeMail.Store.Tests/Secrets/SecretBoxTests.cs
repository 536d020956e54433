using System.Security.Cryptography;
using EdgeMail.Store.Secrets;

namespace EdgeMail.Store.Tests.Secrets;

public sealed class SecretBoxTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_key_file_is_made_once_with_mode_0600_and_opens_what_was_sealed_after_a_reopen()
    {
        await using var h = await StoreHarness.CreateAsync();
        var keyFile = Path.Combine(h.Path, SecretBox.KeyFileName);
        Assert.False(File.Exists(keyFile)); // not before a secret is needed

        var sealedValue = h.Store.Secrets.Seal("a secret"u8, 7, "test");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(32, new FileInfo(keyFile).Length);
        var key = await File.ReadAllBytesAsync(keyFile);
        Assert.Empty(Directory.GetFiles(h.Path, "*.tmp"));

        await h.ReopenAsync();
        Assert.Equal("a secret"u8.ToArray(), h.Store.Secrets.Open(sealedValue, 7, "test"));
        Assert.Equal(key, await File.ReadAllBytesAsync(keyFile));
    }

    [Fact]
    public async Task Each_seal_has_its_own_nonce_and_a_value_does_not_open_for_another_account_or_purpose_or_when_altered()
    {
        await using var h = await StoreHarness.CreateAsync();
        var box = h.Store.Secrets;
        var a = box.Seal("same"u8, 1, "totp");
        var b = box.Seal("same"u8, 1, "totp");
        Assert.NotEqual(a, b);

        Assert.Equal(StoreError.Conflict, Assert.Throws<StoreException>(() => box.Open(a, 2, "totp")).Error);
        Assert.Throws<StoreException>(() => box.Open(a, 1, "fetch"));
        var altered = (byte[])a.Clone();
        altered[^1] ^= 1;
        Assert.Throws<StoreException>(() => box.Open(altered, 1, "totp"));
        Assert.Throws<StoreException>(() => box.Open(a.AsSpan(0, 10), 1, "totp"));
    }

    [Fact]
    public async Task A_replaced_key_file_is_said_in_one_sentence()
    {
        await using var h = await StoreHarness.CreateAsync();
        var sealedValue = h.Store.Secrets.Seal("x"u8, 1, "totp");
        await h.CloseAsync();
        await File.WriteAllBytesAsync(Path.Combine(h.Path, SecretBox.KeyFileName), RandomNumberGenerator.GetBytes(32));
        await h.ReopenAsync();

        var ex = Assert.Throws<StoreException>(() => h.Store.Secrets.Open(sealedValue, 1, "totp"));
        Assert.Contains(SecretBox.KeyFileName, ex.Message, StringComparison.Ordinal);
    }
}
