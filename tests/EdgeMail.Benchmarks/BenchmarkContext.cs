using System.Globalization;
using EdgeMail.Benchmarks.Output;

namespace EdgeMail.Benchmarks;

/// <summary>What a benchmark gets: its positional arguments (after the subcommand) and the report it writes to.</summary>
internal sealed class BenchmarkContext(string[] args, Report report)
{
    public Report Report { get; } = report;

    /// <summary>
    /// Where data goes by default: /var/tmp, which survives reboots and so is on a real disk, where
    /// /tmp is often a tmpfs on which fsync costs nothing and proves nothing.
    /// </summary>
    public static string DefaultRoot => Path.Combine(Directory.Exists("/var/tmp") ? "/var/tmp" : Path.GetTempPath(), "edgemail-bench");

    public string? Arg(int index) => index < args.Length ? args[index] : null;

    public string ArgOr(int index, string fallback) => Arg(index) ?? fallback;

    public int IntArg(int index, int fallback) => Arg(index) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A size in bytes, with an optional K or M suffix (powers of 1024): 10K, 1M, 4096.</summary>
    public int SizeArg(int index, int fallback) => Arg(index) is { } value ? ParseSize(value) : fallback;

    public static int ParseSize(string value)
    {
        var multiplier = char.ToUpperInvariant(value[^1]) switch { 'K' => 1024, 'M' => 1024 * 1024, _ => 1 };
        var digits = multiplier == 1 ? value : value[..^1];
        return checked(int.Parse(digits, CultureInfo.InvariantCulture) * multiplier);
    }

    /// <summary>A size as the tables print it: 10 KiB, 1 MiB, 512 B.</summary>
    public static string FormatSize(int bytes) =>
        bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : bytes % 1024 == 0 ? $"{bytes / 1024} KiB" : $"{bytes} B";
}
