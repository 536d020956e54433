using System.Diagnostics;

namespace EdgeMail.Benchmarks.Smtp;

/// <summary>
/// Postfix's test programs (Debian package postfix): smtp-source, the load generator, and smtp-sink, the
/// upstream that swallows relayed mail. Install without starting a system Postfix:
/// echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections;
/// DEBIAN_FRONTEND=noninteractive apt-get install -y postfix.
/// </summary>
internal static class SmtpTools
{
    public const string Package = "postfix";
    public const string Source = "/usr/sbin/smtp-source";
    public const string Sink = "/usr/sbin/smtp-sink";
    public const string Postfix = "/usr/sbin/postfix";
    public const int DefaultMessageBytes = 10240;
    public const string Sender = "sender@example.org";
    public const string LocalRecipient = "ann@edgemail.local";
    public const string OutsideRecipient = "someone@example.net";

    public static bool Installed => File.Exists(Source) && File.Exists(Sink) && File.Exists(Postfix);

    /// <summary>The smtp-source arguments for [messages] messages of [size] bytes from [sessions] parallel sessions (a new connection per message).</summary>
    public static string[] SourceArguments(int port, int messages, int sessions, string recipient, int size) =>
        ["-c", "-l", size.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", messages.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-s", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture), "-f", Sender, "-t", recipient, $"127.0.0.1:{port}"];

    public static string CommandLine(string program, IEnumerable<string> args) => string.Join(' ', new[] { program }.Concat(args));

    /// <summary>Runs smtp-source to the end. smtp-source exits non-zero on the first reply it did not expect (a 4xx or 5xx), naming it on stderr.</summary>
    public static async Task<SourceResult> RunSourceAsync(int port, int messages, int sessions, string recipient, int size, TimeSpan timeout)
    {
        var args = SourceArguments(port, messages, sessions, recipient, size);
        var info = new ProcessStartInfo(Source, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            return new SourceResult(-1, stopwatch.Elapsed, $"smtp-source killed after {timeout.TotalSeconds:F0} s");
        }

        stopwatch.Stop();
        await stdout;
        return new SourceResult(process.ExitCode, stopwatch.Elapsed, (await stderr).Trim());
    }

    /// <summary>How an smtp-source run ended: its exit code, its wall time, and what it printed on stderr.</summary>
    public sealed record SourceResult(int ExitCode, TimeSpan Elapsed, string Error);
}
