using System.Diagnostics;
using EdgeMail.Testing;
using EdgeMail.Tests.Support;

namespace EdgeMail.Tests.Hosting;

/// <summary>
/// The real `serve` as systemd runs a Type=notify unit with WatchdogSec: NOTIFY_SOCKET names a datagram socket this
/// test binds, WATCHDOG_USEC is set and WATCHDOG_PID is not (systemd sets it only for a process other than the main
/// one's, sd_watchdog_enabled(3)).
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly TempFolder _data = new();
    private readonly TempFolder _run = new();

    public void Dispose()
    {
        _data.Dispose();
        _run.Dispose();
    }

    /// <summary>
    /// How the process is told it runs under systemd. Microsoft.Extensions.Hosting.Systemd 10.0's AddSystemd registers
    /// its lifetime and notifier only for pid 1 (with NOTIFY_SOCKET or LISTEN_PID), or under a parent whose
    /// /proc/PID/comm is "systemd"; NOTIFY_SOCKET or INVOCATION_ID alone are not enough (dotnet/runtime#125368). "parent": a shell started as "systemd" (its comm)
    /// runs serve, as pid 1 does on the box. "exec-pid": SYSTEMD_EXEC_PID names the process, as systemd 248 and later
    /// set it, which serve also takes (for ProtectProc=invisible, where /proc/1 cannot be read).
    /// </summary>
    [Theory]
    [InlineData("parent")]
    [InlineData("exec-pid")]
    public async Task Serve_says_READY_feeds_the_watchdog_at_half_WATCHDOG_USEC_and_says_STOPPING_at_SIGTERM(string how)
    {
        using var notify = new NotifySocket(Path.Combine(_run.Path, "notify"));
        var info = EdgeMailProcess.StartInfo(
            ServeProcess.OnlyArguments(_data.Path, ("Imap:Port", EdgeMailProcess.FreePort())),
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Path, ["WATCHDOG_USEC"] = "400000" });
        foreach (var inherited in new[] { "WATCHDOG_PID", "SYSTEMD_EXEC_PID", "LISTEN_PID", "LISTEN_FDS" })
        {
            info.Environment.Remove(inherited);
        }

        UnderSystemd(info, how);
        var started = Stopwatch.GetTimestamp();
        var serve = await ServeProcess.StartAsync(info, Deadline);
        try
        {
            await notify.WaitForAsync("READY=1", Deadline);
            await notify.WaitForAsync("WATCHDOG=1", Deadline);
            await notify.WaitForAsync("WATCHDOG=1", Deadline);

            Assert.Equal(0, await serve.StopAsync(Deadline));
            var lifetime = Stopwatch.GetElapsedTime(started);
            var beforeStopping = await notify.WaitForAsync("STOPPING=1", Deadline);
            Assert.All(beforeStopping, s => Assert.Equal("WATCHDOG=1", s));

            // One ping per 200 ms (half of WATCHDOG_USEC) at most, however the datagrams were delayed on their way here;
            // the unit tests step the exact period on a manual clock.
            var pings = notify.Seen.Count(s => s == "WATCHDOG=1");
            Assert.True(pings <= (lifetime / TimeSpan.FromMilliseconds(200)) + 1, $"{pings} pings in {lifetime.TotalMilliseconds:F0} ms");
        }
        finally
        {
            if (!serve.Process.HasExited)
            {
                serve.Process.Kill(entireProcessTree: true);
            }

            serve.Process.Dispose();
        }
    }

    /// <summary>Rewrites <paramref name="info"/> (the program and its arguments) to be run the way <paramref name="how"/> says.</summary>
    private void UnderSystemd(ProcessStartInfo info, string how)
    {
        List<string> command = [info.FileName, .. info.ArgumentList];
        info.ArgumentList.Clear();
        switch (how)
        {
            case "parent":
                // The shell stays serve's parent: it forwards SIGTERM and exits with serve's status.
                var systemd = Path.Combine(_run.Path, "systemd");
                File.CreateSymbolicLink(systemd, "/bin/sh");
                info.FileName = systemd;
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("""
                    "$@" & child=$!
                    trap 'kill -TERM $child; wait $child; exit $?' TERM
                    wait $child
                    exit $?
                    """);
                info.ArgumentList.Add("systemd");
                break;
            case "exec-pid":
                // exec keeps the shell's pid, so $$ is serve's.
                info.FileName = "/bin/sh";
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("SYSTEMD_EXEC_PID=$$; export SYSTEMD_EXEC_PID; exec \"$@\"");
                info.ArgumentList.Add("sh");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(how), how, null);
        }

        foreach (var word in command)
        {
            info.ArgumentList.Add(word);
        }
    }
}
