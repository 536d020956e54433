using System.Diagnostics;

namespace EdgeMail.Testing.Tools;

/// <summary>
/// Runs a real client or Debian tool as a child process (mbsync, fetchmail, swaks, Python's imaplib, poplib and
/// smtplib). A missing tool fails the test with the apt package to install; a tool that hangs is killed and fails
/// the test with what it printed.
/// </summary>
public static class ExternalTool
{
    public const string Python = "/usr/bin/python3";

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The full path of <paramref name="executable"/> (a name looked up on PATH, or a path).</summary>
    public static string Require(string executable, string aptPackage)
    {
        if (executable.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(executable) ? executable : throw new MissingToolException($"{executable} is not installed: apt-get install {aptPackage}");
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(folder, executable);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new MissingToolException($"{executable} is not installed: apt-get install {aptPackage}");
    }

    /// <summary>Fails unless Debian's python3 can import <paramref name="module"/>.</summary>
    public static void RequirePythonModule(string module, string aptPackage)
    {
        Require(Python, "python3");
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", $"import {module}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        check.WaitForExit();
        if (check.ExitCode != 0)
        {
            throw new MissingToolException($"the Python module {module} is missing: apt-get install {aptPackage}");
        }
    }

    /// <summary>
    /// Runs <paramref name="executable"/> (see <see cref="Require"/>) to its end. Its input is
    /// <paramref name="stdin"/>, or closed at once.
    /// </summary>
    public static async Task<ToolResult> RunAsync(
        string executable,
        string aptPackage,
        IEnumerable<string> arguments,
        string? stdin = null,
        IDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Require(executable, aptPackage))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var limit = timeout ?? DefaultTimeout;
        using var cts = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} did not finish within {limit.TotalSeconds} s\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}
