using System.Diagnostics;
using EdgeMail.Testing;
using EdgeMail.Testing.Tools;
using Microsoft.Data.Sqlite;

namespace EdgeMail.Store.Tests;

/// <summary>MailStore.ProbeAsync, the liveness read the systemd watchdog asks before each ping.</summary>
public sealed class ProbeTests
{
    private static string DatabasePath(StoreHarness h) => Path.Combine(h.Path, "edgemail.db");

    [Fact]
    public async Task A_working_store_answers_the_probe()
    {
        await using var h = await StoreHarness.CreateAsync();

        await h.Store.ProbeAsync(TimeSpan.FromSeconds(10));
        await h.Store.ProbeAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_store_whose_database_went_away_fails_the_probe_and_the_probe_makes_no_new_one()
    {
        await using var h = await StoreHarness.CreateAsync();
        foreach (var file in Directory.GetFiles(h.Path, "edgemail.db*"))
        {
            File.Delete(file);
        }

        var ex = await Assert.ThrowsAsync<SqliteException>(() => h.Store.ProbeAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("unable to open", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(DatabasePath(h)), "the probe created a database");
    }

    [Fact]
    public async Task A_store_another_process_holds_locked_does_not_answer_within_the_timeout_and_answers_once_released()
    {
        await using var h = await StoreHarness.CreateAsync();

        // Another process takes SQLite's WAL read locks exclusively (bytes 123-127 of the -shm file, WAL_READ_LOCK(0)
        // to (4) in https://sqlite.org/walformat.html): a reader can then take none, and SQLite retries for seconds
        // before it gives up (SQLITE_PROTOCOL), as it would behind a wedged process or a disk that stopped answering.
        // POSIX locks of this process would not shut out its own connections, hence a child process.
        var start = new ProcessStartInfo(ExternalTool.Require(ExternalTool.Python, "python3"))
        {
            ArgumentList =
            {
                "-c",
                """
                import fcntl, os, sys, time
                fd = os.open(sys.argv[1], os.O_RDWR)
                deadline = time.time() + 30
                while True:
                    try:
                        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 123)
                        break
                    except OSError:
                        if time.time() > deadline: raise
                        time.sleep(0.01)
                print("held", flush=True)
                sys.stdin.read()
                """,
                DatabasePath(h) + "-shm",
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var holder = Process.Start(start)!;
        try
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Assert.Equal("held", await holder.StandardOutput.ReadLineAsync(deadline.Token));

            var started = Stopwatch.GetTimestamp();
            await Assert.ThrowsAsync<TimeoutException>(() => h.Store.ProbeAsync(TimeSpan.FromMilliseconds(300)));
            var waited = Stopwatch.GetElapsedTime(started);
            Assert.True(waited >= TimeSpan.FromMilliseconds(250) && waited < TimeSpan.FromSeconds(5), $"the probe gave up after {waited.TotalMilliseconds:F0} ms");

            // A probe while that read still hangs waits on it rather than start another, and gives up as well.
            await Assert.ThrowsAsync<TimeoutException>(() => h.Store.ProbeAsync(TimeSpan.FromMilliseconds(300)));
        }
        finally
        {
            holder.StandardInput.Close();
            await holder.WaitForExitAsync();
        }

        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    await h.Store.ProbeAsync(TimeSpan.FromSeconds(2));
                    return true;
                }
                catch (Exception ex) when (ex is TimeoutException or SqliteException)
                {
                    return false;
                }
            },
            "the probe to answer once the locks are released");
    }
}
