using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EdgeMail.Benchmarks.Interop;

namespace EdgeMail.Benchmarks.Imap;

/// <summary>
/// One server under test, running as a child process: its IMAP ports on 127.0.0.1, and its memory,
/// summed over the process and all its descendants (Dovecot runs a process per connection).
/// </summary>
internal sealed class ServerProcess(string name, Process process, int port, int tlsPort, Task drain) : IAsyncDisposable
{
    public string Name { get; } = name;

    public int Port { get; } = port;

    public int TlsPort { get; } = tlsPort;

    public int Pid => process.Id;

    public static Process Start(string file, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Start(info);
    }

    /// <summary>Starts <paramref name="info"/> (its output redirected) with its input closed.</summary>
    public static Process Start(ProcessStartInfo info)
    {
        var started = Process.Start(info)!;
        started.StandardInput.Close();
        return started;
    }

    /// <summary>Waits until something accepts on the port (for a server that prints nothing when ready).</summary>
    public static async Task WaitForPortAsync(Process process, int port, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} exited ({process.ExitCode}) before listening on {port}");
            }

            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                return;
            }
            catch (SocketException) when (deadline.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The process and its descendants: pid, command name.</summary>
    public IReadOnlyList<(int Pid, string Command)> Processes()
    {
        var parents = new Dictionary<int, (int Parent, string Command)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                parents[pid] = (int.Parse(fields[1], CultureInfo.InvariantCulture), stat[(open + 1)..close]);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        var result = new List<(int, string)>();
        var ours = new HashSet<int> { process.Id };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, (parent, _)) in parents)
            {
                if (ours.Contains(parent) && ours.Add(pid))
                {
                    grew = true;
                }
            }
        }
        while (grew);

        foreach (var pid in ours)
        {
            if (parents.TryGetValue(pid, out var p))
            {
                result.Add((pid, p.Command));
            }
        }

        return result;
    }

    /// <summary>VmRSS and Pss (KiB) summed over the server's processes, and how many processes per command.</summary>
    public Memory Measure()
    {
        long rss = 0, pss = 0;
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var (pid, command) in Processes())
        {
            rss += Common.ProcIo.Read("VmRSS:", $"/proc/{pid}/status");
            pss += Common.ProcIo.Read("Pss:", $"/proc/{pid}/smaps_rollup");
            counts[command] = counts.GetValueOrDefault(command) + 1;
        }

        return new Memory(rss, pss, string.Join(" ", counts.Select(kv => $"{kv.Key}x{kv.Value}")));
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            Libc.Signal(process.Id, Libc.Sigterm);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }

        // A daemon left behind could hold the output pipes open forever; its output is not needed.
        try
        {
            await drain.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Output.Report.Progress($"imap: {Name}: output still open 10 s after exit; not waiting for it");
        }

        process.Dispose();
    }

    /// <summary>Reads a child's output to its end so that it never blocks on a full pipe; keeps the last lines.</summary>
    public static Task DrainAsync(Process process, List<string> tail) => Task.WhenAll(Drain(process.StandardOutput, tail), Drain(process.StandardError, tail));

    private static async Task Drain(StreamReader reader, List<string> tail)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (tail)
            {
                tail.Add(line);
                if (tail.Count > 50)
                {
                    tail.RemoveAt(0);
                }
            }
        }
    }

    internal sealed record Memory(long RssKiB, long PssKiB, string Processes);
}
