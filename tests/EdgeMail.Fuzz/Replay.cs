using System.Diagnostics;

namespace EdgeMail.Fuzz;

/// <summary>A corpus file whose run was a finding: an exception the parser does not document, or no end in time.</summary>
internal sealed record ReplayFinding(string Path, string Problem, Exception? Exception);

internal sealed record ReplayResult(int Inputs, IReadOnlyList<ReplayFinding> Findings, TimeSpan Elapsed);

/// <summary>
/// The short mode that CI runs: every file of a corpus through one target, without afl-fuzz, each with a deadline
/// (a hang is a finding too). Nothing here is instrumented, so it checks known inputs, it does not explore.
/// </summary>
internal static class Replay
{
    /// <summary>Where a target's inputs live, under the project folder and, copied, beside the built program.</summary>
    public static IReadOnlyList<string> DefaultFolders(string target) =>
        [Path.Combine(AppContext.BaseDirectory, "corpus", target), Path.Combine(AppContext.BaseDirectory, "regressions", target)];

    /// <summary>The files named, and every file under the folders named, in ordinal order; a path that does not exist is an error.</summary>
    public static IReadOnlyList<string> Files(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var given in paths)
        {
            var path = Resolve(given) ?? throw new FileNotFoundException($"no such file or folder: {given}", given);
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).Equals("README.md", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            }
        }

        return files;
    }

    public static ReplayResult Run(FuzzTarget target, IReadOnlyList<string> files, TimeSpan perInput)
    {
        var findings = new List<ReplayFinding>();
        var clock = Stopwatch.StartNew();
        foreach (var file in files)
        {
            var input = File.ReadAllBytes(file);
            var run = Task.Factory.StartNew(() => target.Run(input), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                if (!run.Wait(perInput))
                {
                    findings.Add(new ReplayFinding(file, $"no end after {perInput.TotalSeconds:0.#} s (a hang)", null));
                }
            }
            catch (AggregateException ex) when (ex.InnerException is { } inner)
            {
                findings.Add(new ReplayFinding(file, $"{inner.GetType().FullName}: {inner.Message}", inner));
            }
        }

        return new ReplayResult(files.Count, findings, clock.Elapsed);
    }

    // As given (relative to the working folder), else relative to the built program, where the corpus is copied.
    private static string? Resolve(string path)
    {
        if (File.Exists(path) || Directory.Exists(path))
        {
            return path;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(beside) || Directory.Exists(beside) ? beside : null;
    }
}
