using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeMail.Benchmarks.Common;

/// <summary>What the comparison servers (Dovecot's instances) share: file ownership and the wait for the port.</summary>
internal static class Daemon
{
    /// <summary>The user Dovecot's mail processes run as (it refuses root).</summary>
    public const int MailUid = 65534; // nobody

    public const int MailGid = 65534; // nogroup

    public static void Chown(string path)
    {
        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", $"{MailUid}:{MailGid}", path]) { UseShellExecute = false })!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R {MailUid}:{MailGid} {path} failed (exit {chown.ExitCode}); the Dovecot run needs root");
        }
    }

    /// <summary>Waits until the process accepts connections on the port, or fails with its output and log.</summary>
    public static async Task WaitListeningAsync(Process process, Task<string[]> output, int port, string log, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                var text = string.Join(' ', await output);
                throw new InvalidOperationException($"dovecot exited (code {process.ExitCode}): {text} {(File.Exists(log) ? await File.ReadAllTextAsync(log) : "")}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException) when (stopwatch.Elapsed < timeout)
            {
                await Task.Delay(50);
            }
        }
    }
}
