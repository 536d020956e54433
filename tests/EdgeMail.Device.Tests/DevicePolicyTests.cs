using EdgeMail.Device.Leds;

namespace EdgeMail.Device.Tests;

public sealed class DevicePolicyTests
{
    private static DeviceSignalsSnapshot Signals(
        bool storeFailure = false, bool diskLow = false, bool pairing = false, bool noAccount = false, bool attention = false,
        int unseen = 0, bool acknowledged = false) =>
        new(unseen, acknowledged, attention ? [AttentionReasons.RelayDeferred] : [], storeFailure ? "database disk image is malformed" : null,
            diskLow, pairing, noAccount);

    [Theory]
    [InlineData(true, false, true, false, false, "error")] // the store fails while pairing is open
    [InlineData(false, true, true, true, true, "error")] // disk low beats everything else too
    [InlineData(false, false, true, true, true, "fast-blink")] // pairing the first account: the window shows
    [InlineData(false, false, false, true, true, "double-blink")]
    [InlineData(false, false, false, false, true, "slow-blink")]
    [InlineData(false, false, false, false, false, "on")]
    public void The_status_led_shows_the_highest_priority_that_applies(bool storeFailure, bool diskLow, bool pairing, bool noAccount, bool attention, string pattern)
    {
        var shown = DevicePolicy.StatusLed(Signals(storeFailure, diskLow, pairing, noAccount, attention));

        Assert.Equal(pattern, shown.Name);
    }

    [Theory]
    [InlineData(0, false, "off")]
    [InlineData(3, false, "on")]
    [InlineData(3, true, "off")] // acknowledged by a short press, until the next delivery
    [InlineData(0, true, "off")]
    public void The_mail_led_is_on_while_unseen_mail_is_not_acknowledged(int unseen, bool acknowledged, string pattern)
    {
        Assert.Equal(pattern, DevicePolicy.MailLed(Signals(unseen: unseen, acknowledged: acknowledged)).Name);
    }

    [Fact]
    public void The_readme_repeats_the_status_led_table_row_for_row()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));

        var rows = DevicePolicy.StatusRules.Select((r, i) => $"| {i + 1} | {r.When} | `{r.Pattern.Name}` |").ToArray();

        var first = Array.IndexOf(readme, rows[0]);
        Assert.True(first >= 0, $"README.md lacks the row: {rows[0]}");
        Assert.Equal(rows, readme.Skip(first).Take(rows.Length));
    }

    [Fact]
    public void The_readme_repeats_the_pattern_table()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        foreach (var pattern in LedPatterns.All)
        {
            var steps = pattern.IsSteady
                ? pattern.Steps[0].On ? "lit" : "dark"
                : string.Join(", ", pattern.Steps.Select(s => $"{(s.On ? "on" : "off")} {s.Duration.TotalMilliseconds:0} ms"))
                  + (pattern.Repeats ? ", repeated" : ", then the steady pattern again");
            Assert.Contains($"| `{pattern.Name}` | {steps} |", readme, StringComparison.Ordinal);
        }
    }

    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EdgeMail.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("EdgeMail.sln not found above " + AppContext.BaseDirectory);
    }
}
