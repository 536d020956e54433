using EdgeMail.Device.Leds;
using EdgeMail.Testing;

namespace EdgeMail.Device.Tests.Leds;

public sealed class LedClassOutputTests
{
    private static string LayOut(TempFolder folder, string name, string? maxBrightness, string trigger = "none [mmc0] timer heartbeat")
    {
        var led = Path.Combine(folder.Path, name);
        Directory.CreateDirectory(led);
        File.WriteAllText(Path.Combine(led, "trigger"), trigger);
        File.WriteAllText(Path.Combine(led, "brightness"), "255\n");
        if (maxBrightness is not null)
        {
            File.WriteAllText(Path.Combine(led, "max_brightness"), maxBrightness);
        }
        return led;
    }

    [Fact]
    public void Opening_takes_the_led_from_its_trigger_and_turns_it_off()
    {
        using var folder = new TempFolder();
        var led = LayOut(folder, "ACT", "255\n");

        using var output = new LedClassOutput(folder.Path, "ACT");

        Assert.Equal("none", File.ReadAllText(Path.Combine(led, "trigger")));
        Assert.Equal("0", File.ReadAllText(Path.Combine(led, "brightness")));
        Assert.Equal("LED class ACT", output.Description);
    }

    [Fact]
    public void On_writes_max_brightness_and_off_writes_zero()
    {
        using var folder = new TempFolder();
        var led = LayOut(folder, "led0", "1\n");
        using var output = new LedClassOutput(folder.Path, "led0");

        output.Set(true);
        Assert.Equal("1", File.ReadAllText(Path.Combine(led, "brightness")));
        output.Set(false);
        Assert.Equal("0", File.ReadAllText(Path.Combine(led, "brightness")));
    }

    [Fact]
    public void A_led_with_a_wider_range_is_driven_to_its_maximum()
    {
        using var folder = new TempFolder();
        var led = LayOut(folder, "PWR", "255");
        using var output = new LedClassOutput(folder.Path, "PWR");

        output.Set(true);

        Assert.Equal("255", File.ReadAllText(Path.Combine(led, "brightness")));
    }

    [Fact]
    public void The_trigger_is_written_once_not_on_every_level()
    {
        using var folder = new TempFolder();
        var led = LayOut(folder, "ACT", "1");
        using var output = new LedClassOutput(folder.Path, "ACT");
        File.WriteAllText(Path.Combine(led, "trigger"), "kept");

        output.Set(true);
        output.Set(false);

        Assert.Equal("kept", File.ReadAllText(Path.Combine(led, "trigger")));
    }

    [Fact]
    public void A_trigger_already_none_is_not_written_so_a_root_owned_trigger_file_does_not_stop_the_led()
    {
        using var folder = new TempFolder();
        var led = LayOut(folder, "ACT", "1", trigger: "[none] timer heartbeat mmc0");
        var trigger = Path.Combine(led, "trigger");
        // As the unit's root step (image/take-leds) leaves it: the trigger set, and root's alone, so a write from the
        // service would fail; the file keeping the kernel's listing shows that none was attempted.

        using var output = new LedClassOutput(folder.Path, "ACT");
        output.Set(true);

        Assert.Equal("[none] timer heartbeat mmc0", File.ReadAllText(trigger));
        Assert.Equal("1", File.ReadAllText(Path.Combine(led, "brightness")));
    }

    [Fact]
    public void A_missing_led_fails_to_open_naming_its_folder()
    {
        using var folder = new TempFolder();

        var failure = Assert.Throws<DirectoryNotFoundException>(() => new LedClassOutput(folder.Path, "nosuch"));

        Assert.Contains(Path.Combine(folder.Path, "nosuch"), failure.Message, StringComparison.Ordinal);
    }
}
