using EdgeMail.Testing;

namespace EdgeMail.Tests;

/// <summary>
/// The SIGKILL crash rounds (tests/EdgeMail.CrashHarness) in their short mode: three rounds of the built edgemail.dll
/// under SMTP, IMAP, POP3 and relay load, each killed at a random moment, restarted and checked against what it had
/// acknowledged. The 200-round figures in the README come from the same command on the native binary.
/// </summary>
public sealed class CrashHarnessTests
{
    [Fact]
    public async Task Three_SIGKILL_rounds_under_load_lose_duplicate_and_corrupt_nothing()
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "EdgeMail.CrashHarness.dll");

        var (exit, stdout, stderr) = await EdgeMailProcess.RunProgramAsync(harness, ["--rounds", "3"], timeoutSeconds: 300);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Matches(
            @"summary: rounds 3, acknowledged messages [1-9][0-9]*, lost 0, duplicated \(local\) 0, relay duplicates [0-9]+ \(window\), corrupt 0, UID regressions 0, other violations 0,",
            stdout);
        Assert.Equal(3, stdout.Split('\n').Count(l => l.StartsWith("round ", StringComparison.Ordinal) && l.Contains("violations 0;", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The fetch rounds in their short mode: for IMAP keep, IMAP delete and POP3 delete, a box making its first sync
    /// of 150 provider messages is SIGKILLed three times at random moments and restarted until the sync completes;
    /// after each kill nothing committed is undone, no message is here twice or in part, and none is gone from the
    /// provider without being here. The README's figures come from `--rounds 60` on the native binary.
    /// </summary>
    [Fact]
    public async Task Fetch_accounts_SIGKILLed_in_their_first_sync_lose_and_duplicate_nothing()
    {
        var harness = Path.Combine(AppContext.BaseDirectory, "EdgeMail.CrashHarness.dll");

        var (exit, stdout, stderr) = await EdgeMailProcess.RunProgramAsync(harness, ["--fetch", "all", "--rounds", "3", "--messages", "150"], timeoutSeconds: 300);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Matches(@"fetch summary: rounds 9, syncs ([3-9]|[1-9][0-9]+), messages [0-9]+, lost 0, duplicated 0, corrupt 0, UID regressions 0, other violations 0;", stdout);
        foreach (var mode in (string[])["imap-keep", "imap-delete", "pop3-delete"])
        {
            Assert.Matches($@"(?m)^{mode}: rounds 3, syncs [1-9]", stdout);
            Assert.Equal(3, stdout.Split('\n').Count(l => l.StartsWith(mode + " sync ", StringComparison.Ordinal) && l.Contains("violations 0", StringComparison.Ordinal)));
        }
    }
}
