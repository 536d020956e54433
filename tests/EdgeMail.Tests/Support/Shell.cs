using System.Diagnostics;

namespace EdgeMail.Tests.Support;

/// <summary>Runs a system tool (chown, chmod, find) for the ownership tests; a failure fails the test.</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {await stderr}");
        return await stdout;
    }
}
