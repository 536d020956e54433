namespace EdgeMail.Fuzz.Tests;

/// <summary>
/// The short mode of every fuzz target, as CI runs it: each file of corpus/TARGET (the seeds and what afl-fuzz
/// found and kept) and regressions/TARGET (inputs of fixed findings) goes through the target, and none may throw
/// what its parser does not document or fail to end.
/// </summary>
public sealed class ReplayTests
{
    private static readonly TimeSpan PerInput = TimeSpan.FromSeconds(10);

    public static TheoryData<string> Targets() => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Corpus_and_regression_inputs_replay_without_findings(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var corpus = Path.Combine(AppContext.BaseDirectory, "corpus", name);
        Assert.True(Directory.Exists(corpus), $"{name} has no seed corpus at {corpus}");

        var files = Replay.Files(Replay.DefaultFolders(name).Where(Directory.Exists));
        Assert.NotEmpty(files);
        var result = Replay.Run(target, files, PerInput);

        Assert.Equal(files.Count, result.Inputs);
        Assert.True(result.Findings.Count == 0, string.Join(Environment.NewLine, result.Findings.Select(f => $"{Path.GetFileName(f.Path)}: {f.Problem}{Environment.NewLine}{f.Exception}")));
    }

    [Fact]
    public void Every_target_keeps_its_seed_corpus_small()
    {
        long total = 0;
        foreach (var target in FuzzTargets.All)
        {
            var files = Replay.Files([Path.Combine(AppContext.BaseDirectory, "corpus", target.Name)]);
            Assert.True(files.Count > 0, $"{target.Name} has no seeds");
            total += files.Sum(f => new FileInfo(f).Length);
        }

        // The corpora live in the repository: the brief of issue 13 keeps them under 2 MB in all.
        Assert.True(total < 2 * 1024 * 1024, $"the corpora hold {total} bytes");
    }

    [Fact]
    public void Replay_reports_an_undocumented_exception_with_its_input()
    {
        using var folder = new TempInputs(("fine", "x"u8.ToArray()), ("boom", "boom"u8.ToArray()));
        var target = new FuzzTarget("test", "throws on boom", input =>
        {
            if (input.AsSpan().SequenceEqual("boom"u8))
            {
                throw new IndexOutOfRangeException("past the end");
            }
        });

        var result = Replay.Run(target, Replay.Files([folder.Path]), PerInput);

        Assert.Equal(2, result.Inputs);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("boom", System.IO.Path.GetFileName(finding.Path));
        Assert.IsType<IndexOutOfRangeException>(finding.Exception);
        Assert.Contains("past the end", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_reports_a_run_that_does_not_end_as_a_hang()
    {
        using var folder = new TempInputs(("stuck", [1]));
        using var release = new ManualResetEventSlim();
        var target = new FuzzTarget("test", "never returns until released", _ => release.Wait());

        var result = Replay.Run(target, Replay.Files([folder.Path]), TimeSpan.FromMilliseconds(200));
        release.Set();

        var finding = Assert.Single(result.Findings);
        Assert.Null(finding.Exception);
        Assert.Contains("hang", finding.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_violated_invariant_is_a_finding()
    {
        using var folder = new TempInputs(("any", [0]));
        var target = new FuzzTarget("test", "breaks a rule", _ => InvariantViolation.Check(false, "a rule"));

        var finding = Assert.Single(Replay.Run(target, Replay.Files([folder.Path]), PerInput).Findings);

        Assert.IsType<InvariantViolation>(finding.Exception);
    }

    private sealed class TempInputs : IDisposable
    {
        public TempInputs(params (string Name, byte[] Bytes)[] files)
        {
            Path = Directory.CreateTempSubdirectory("edgemail-fuzz-test-").FullName;
            foreach (var (name, bytes) in files)
            {
                File.WriteAllBytes(System.IO.Path.Combine(Path, name), bytes);
            }
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
