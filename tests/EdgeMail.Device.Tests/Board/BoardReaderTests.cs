using EdgeMail.Device.Board;
using EdgeMail.Testing;

namespace EdgeMail.Device.Tests.Board;

public sealed class BoardReaderTests
{
    private static void Write(TempFolder root, string path, string text)
    {
        var full = Path.Combine(root.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    [Fact]
    public void The_model_comes_from_the_device_tree_without_its_nul()
    {
        using var root = new TempFolder();
        Write(root, "proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0");
        Write(root, "proc/cpuinfo", "Model\t\t: something else\n");

        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", new BoardReader(new DevicePaths(root.Path)).Model());
    }

    [Fact]
    public void Without_a_device_tree_the_model_is_cpuinfos_Model_line()
    {
        using var root = new TempFolder();
        Write(root, "proc/cpuinfo", "processor\t: 0\nBogoMIPS\t: 108.00\nModel name\t: not this\n\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 3 Model B Plus Rev 1.3\n");

        Assert.Equal("Raspberry Pi 3 Model B Plus Rev 1.3", new BoardReader(new DevicePaths(root.Path)).Model());
    }

    [Fact]
    public void The_temperature_is_read_in_millidegrees()
    {
        using var root = new TempFolder();
        Write(root, "sys/class/thermal/thermal_zone0/temp", "47236\n");

        Assert.Equal(47.236, new BoardReader(new DevicePaths(root.Path)).SocTemperatureCelsius());
    }

    [Theory]
    [InlineData("throttled=0x0\n", null)]
    [InlineData("0x0\n", "")]
    [InlineData("0x50005\n", "under-voltage,throttled,under-voltage-occurred,throttled-occurred")]
    [InlineData("0x80008", "soft-temperature-limit,soft-temperature-limit-occurred")]
    [InlineData("2", "frequency-capped")]
    public void Throttling_is_the_firmwares_hex_bitmask(string text, string? names)
    {
        using var root = new TempFolder();
        Write(root, "sys/devices/platform/soc/soc:firmware/get_throttled", text);

        var flags = new BoardReader(new DevicePaths(root.Path)).Throttling();

        Assert.Equal(names, flags is { } f ? string.Join(',', BoardReader.Names(f)) : null);
    }

    [Fact]
    public void A_board_without_these_files_reports_nothing_and_does_not_throw()
    {
        using var root = new TempFolder();
        var board = new BoardReader(new DevicePaths(root.Path));

        Assert.Null(board.Model());
        Assert.Null(board.SocTemperatureCelsius());
        Assert.Null(board.Throttling());
    }
}
