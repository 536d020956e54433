using System.Text.RegularExpressions;
using EdgeMail.Auth.TwoFactor;
using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>`edgemail user 2fa enable|confirm|disable` and the 2FA column of `user list`, on the real program.</summary>
public sealed partial class TwoFactorCliTests : IDisposable
{
    private const string Ann = "ann@edgemail.local";
    private readonly TempFolder _data = new();

    public void Dispose() => _data.Dispose();

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        EdgeMailProcess.RunAsync([.. args, "--data", _data.Path]);

    private static void AssertOneLineError(int exitCode, (int ExitCode, string Stdout, string Stderr) result, string says)
    {
        Assert.Equal(exitCode, result.ExitCode);
        Assert.StartsWith("edgemail: ", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.Contains(says, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Enable_then_confirm_with_a_code_turns_it_on_prints_the_recovery_codes_once_and_disable_turns_it_off()
    {
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", Ann, "--password-stdin", "--data", _data.Path], "correct horse\n")).ExitCode);
        Assert.Equal("ann@edgemail.local  admin  2fa off", (await RunAsync("user", "list")).Stdout.Trim());

        var enable = await RunAsync("user", "2fa", "enable", Ann);
        Assert.True(enable.ExitCode == 0, enable.Stderr);
        var secret = SecretLine().Match(enable.Stdout).Groups[1].Value;
        Assert.Equal(32, secret.Length);
        Assert.Contains($"uri:    otpauth://totp/EdgeMail:ann@edgemail.local?secret={secret}&issuer=EdgeMail&algorithm=SHA1&digits=6&period=30", enable.Stdout, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data.Path, "secret.key")));

        // Pending: not on yet.
        Assert.EndsWith("2fa off", (await RunAsync("user", "list")).Stdout.Trim(), StringComparison.Ordinal);
        AssertOneLineError(1, await RunAsync("user", "2fa", "confirm", Ann, "12345"), "not the current code");

        var code = Totp.Code(Base32.Decode(secret)!, DateTimeOffset.UtcNow);
        var confirm = await RunAsync("user", "2fa", "confirm", Ann, code);
        Assert.True(confirm.ExitCode == 0, confirm.Stderr);
        var codes = RecoveryLine().Matches(confirm.Stdout);
        Assert.Equal(RecoveryCodes.Count, codes.Count);
        Assert.Equal("ann@edgemail.local  admin  2fa on", (await RunAsync("user", "list")).Stdout.Trim());

        AssertOneLineError(1, await RunAsync("user", "2fa", "confirm", Ann, code), "already on");
        AssertOneLineError(1, await RunAsync("user", "2fa", "enable", Ann), "already on");

        var disable = await RunAsync("user", "2fa", "disable", Ann);
        Assert.True(disable.ExitCode == 0, disable.Stderr);
        Assert.Equal("two-factor login is off for ann@edgemail.local", disable.Stdout.Trim());
        Assert.EndsWith("2fa off", (await RunAsync("user", "list")).Stdout.Trim(), StringComparison.Ordinal);
        AssertOneLineError(1, await RunAsync("user", "2fa", "disable", Ann), "was not on");
    }

    [Fact]
    public async Task User_errors_are_one_line_with_an_exit_code()
    {
        Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", Ann, "--password-stdin", "--data", _data.Path], "correct horse\n")).ExitCode);
        AssertOneLineError(1, await RunAsync("user", "2fa", "enable", "nobody@edgemail.local"), "no account nobody@edgemail.local");
        AssertOneLineError(1, await RunAsync("user", "2fa", "confirm", Ann, "123456"), "no two-factor enrolment is pending");
        AssertOneLineError(2, await RunAsync("user", "2fa", "confirm", Ann), "missing the code");
        AssertOneLineError(2, await RunAsync("user", "2fa"), "needs a subcommand");
    }

    [Fact]
    public async Task User_list_marks_the_admin_and_each_accounts_two_factor_state()
    {
        foreach (var address in new[] { Ann, "bob@edgemail.local" })
        {
            Assert.Equal(0, (await EdgeMailProcess.RunAsync(["user", "add", address, "--password-stdin", "--data", _data.Path], "correct horse\n")).ExitCode);
        }

        var lines = (await RunAsync("user", "list")).Stdout.Trim().Split('\n');
        Assert.Equal(["ann@edgemail.local  admin  2fa off", "bob@edgemail.local         2fa off"], lines.Select(l => l.TrimEnd()));
    }

    [GeneratedRegex("^secret: ([A-Z2-7]+)$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();

    [GeneratedRegex("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$", RegexOptions.Multiline)]
    private static partial Regex RecoveryLine();
}
