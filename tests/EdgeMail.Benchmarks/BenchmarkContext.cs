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
}
