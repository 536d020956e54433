using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace EdgeMail.Testing;

/// <summary>Runs the real edgemail program as a child process (the built edgemail.dll, or a native binary).</summary>
public static class EdgeMailProcess
{
    /// <summary>The edgemail.dll next to the test assembly (the test project references the host).</summary>
    public static string Program => Environment.GetEnvironmentVariable("EDGEMAIL_BINARY") ?? Path.Combine(AppContext.BaseDirectory, "edgemail.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null) =>
        StartInfoFor(Program, args, environment);

    /// <summary>Starts <paramref name="program"/>: a native binary, or an edgemail.dll run with dotnet.</summary>
    public static ProcessStartInfo StartInfoFor(string program, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var native = !program.EndsWith(".dll", StringComparison.Ordinal);
        var info = new ProcessStartInfo(native ? program : "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (!native)
        {
            info.ArgumentList.Add(program);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The web page's default ports (8080, 8443) would collide between tests run side by side: off unless a test
        // names them (the command line wins over the environment).
        info.Environment["EDGEMAIL_Web__Port"] = "0";
        info.Environment["EDGEMAIL_Web__TlsPort"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? environment = null, int timeoutSeconds = 60) =>
        RunProgramAsync(Program, args, stdin, environment, timeoutSeconds);

    /// <summary>Runs <paramref name="program"/> to its end with <paramref name="stdin"/> as its input.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProgramAsync(string program, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? environment = null, int timeoutSeconds = 60)
    {
        using var process = Process.Start(StartInfoFor(program, args, environment))!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>`user add ADDRESS --password-stdin --data DATA` on <paramref name="program"/>; fails with its stderr unless it exits 0.</summary>
    public static async Task AddUserAsync(string program, string data, string address, string password, int timeoutSeconds = 60)
    {
        var (exit, _, error) = await RunProgramAsync(program, ["user", "add", address, "--password-stdin", "--data", data], password + "\n", timeoutSeconds: timeoutSeconds);
        if (exit != 0)
        {
            throw new InvalidOperationException($"edgemail user add {address} failed (exit {exit}): {error}");
        }
    }

    /// <summary>
    /// A port free at this moment on 127.0.0.1, for a child process to bind a moment later, and one this process has
    /// not handed out before: tests pick their ports before `serve` binds them, so two tests side by side must never
    /// be given the same one (random picks from 12,000 ports, a few hundred a run, collided now and then). Taken below
    /// the kernel's ephemeral range (32768–60999 on Linux), from which every in-process listener on port 0 and every
    /// outgoing connection draws: a port from there could be handed to another test while the child is still starting.
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            lock (HandedOut)
            {
                if (!HandedOut.Add(port))
                {
                    continue;
                }
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    private static readonly HashSet<int> HandedOut = [];

    public static void SendSignal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }
}
