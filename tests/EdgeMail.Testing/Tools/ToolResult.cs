namespace EdgeMail.Testing.Tools;

/// <summary>How an external tool ended and what it printed.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Both streams, standard output first.</summary>
    public string Output => Stdout + Stderr;

    /// <summary>The exit code and both streams, for a test that checks them together.</summary>
    public void Deconstruct(out int exitCode, out string output)
    {
        exitCode = ExitCode;
        output = Output;
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
