using System.Diagnostics;

namespace EdgeMail.Smtp.Tests.Support;

/// <summary>Debian's tools the tests drive; a missing one fails the test naming its apt package, never skips it.</summary>
internal static class Tools
{
    public const string Python = "/usr/bin/python3";

    public static void RequirePythonModule(string module, string aptPackage)
    {
        Require(Python, "python3");
        using var check = Process.Start(new ProcessStartInfo(Python, ["-c", $"import {module}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        check.WaitForExit();
        Assert.True(check.ExitCode == 0, $"the Python module {module} is missing: apt-get install {aptPackage}");
    }

    public static void Require(string path, string aptPackage) =>
        Assert.True(File.Exists(path), $"{path} is missing: apt-get install {aptPackage}");

    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> args, string? stdin = null, int timeoutSeconds = 60)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
