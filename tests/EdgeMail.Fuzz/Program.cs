using System.Globalization;
using EdgeMail.Fuzz;
using SharpFuzz;

// Fuzz targets for every parser a stranger can reach (README.md beside this file):
//   EdgeMail.Fuzz TARGET                       under afl-fuzz: reads each input from afl, runs the target
//   EdgeMail.Fuzz TARGET --replay [PATH...]    runs every file (default: corpus/TARGET and regressions/TARGET)
//   EdgeMail.Fuzz list                         names the targets
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Usage(Console.Error);
    return 2;
}

if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All)
    {
        Console.WriteLine($"{t.Name,-14} {t.Summary}");
    }

    return 0;
}

if (FuzzTargets.Find(args[0]) is not { } target)
{
    Console.Error.WriteLine($"EdgeMail.Fuzz: no target named '{args[0]}' (try: list)");
    return 2;
}

if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.ToArray());
    });
    return 0;
}

if (args[1] != "--replay")
{
    Console.Error.WriteLine($"EdgeMail.Fuzz: unknown option '{args[1]}' (expected --replay)");
    return 2;
}

var perInput = TimeSpan.FromSeconds(10);
var paths = new List<string>();
for (var i = 2; i < args.Length; i++)
{
    if (args[i] == "--timeout" && i + 1 < args.Length && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
    {
        perInput = TimeSpan.FromSeconds(seconds);
        i++;
    }
    else
    {
        paths.Add(args[i]);
    }
}

IReadOnlyList<string> files;
try
{
    files = Replay.Files(paths.Count > 0 ? paths : Replay.DefaultFolders(target.Name).Where(Directory.Exists));
}
catch (FileNotFoundException ex)
{
    Console.Error.WriteLine($"EdgeMail.Fuzz: {ex.Message}");
    return 2;
}

if (files.Count == 0)
{
    Console.Error.WriteLine($"EdgeMail.Fuzz: no inputs for {target.Name}");
    return 2;
}

var result = Replay.Run(target, files, perInput);
foreach (var finding in result.Findings)
{
    Console.Error.WriteLine($"FINDING {target.Name} {finding.Path}: {finding.Problem}");
    if (finding.Exception is { } ex)
    {
        Console.Error.WriteLine(ex.StackTrace);
    }
}

Console.WriteLine($"{target.Name}: {result.Inputs} inputs, {result.Findings.Count} findings, {result.Elapsed.TotalMilliseconds:0} ms");

// A hung run's thread cannot be stopped; leave without waiting for it.
Environment.Exit(result.Findings.Count == 0 ? 0 : 1);
return 0;

static void Usage(TextWriter w)
{
    w.WriteLine("usage: EdgeMail.Fuzz TARGET                      (under afl-fuzz, see README.md)");
    w.WriteLine("       EdgeMail.Fuzz TARGET --replay [PATH...] [--timeout SECONDS]");
    w.WriteLine("       EdgeMail.Fuzz list");
}
