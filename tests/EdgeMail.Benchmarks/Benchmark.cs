namespace EdgeMail.Benchmarks;

/// <summary>One subcommand of the benchmark program: its name, its arguments, and what it measures.</summary>
internal sealed record Benchmark(string Name, string Usage, string Summary, Func<BenchmarkContext, Task<int>> RunAsync);
